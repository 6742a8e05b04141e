package dev.rollback.core.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A {@link FleetStore} that hands every call to another, for test stores to override what they change. */
public class ForwardingFleetStore implements FleetStore {

    private final FleetStore store;

    /**
     * Forwards to {@code store}.
     *
     * @param store the store that does the work
     */
    public ForwardingFleetStore(FleetStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void publish(FleetScope scope, String instance, Instant heartbeat, List<FleetBlock> blocks) {
        store.publish(scope, instance, heartbeat, blocks);
    }

    @Override
    public List<PublishedBlock> blocks(FleetScope scope, String feature, long afterBlockId) {
        return store.blocks(scope, feature, afterBlockId);
    }

    @Override
    public int deleteBlocks(FleetScope scope, String feature, long throughBlockId) {
        return store.deleteBlocks(scope, feature, throughBlockId);
    }

    @Override
    public Optional<FleetVerdict> latestVerdict(FleetScope scope, String feature) {
        return store.latestVerdict(scope, feature);
    }

    @Override
    public boolean recordVerdict(FleetScope scope, FleetVerdict verdict) {
        return store.recordVerdict(scope, verdict);
    }

    @Override
    public List<String> liveInstances(FleetScope scope, Instant since) {
        return store.liveInstances(scope, since);
    }
}
