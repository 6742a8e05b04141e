package dev.rollback.core.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link FleetStore} in memory, shared by registries of one process: for tests and simulations.
 * Thread-safe.
 */
public final class InMemoryFleetStore implements FleetStore {

    private record Row(long id, FleetScope scope, FleetBlock block) {
    }

    private record Heartbeat(FleetScope scope, Instant time) {
    }

    private final List<Row> blocks = new ArrayList<>();
    private long lastId;
    /** By service, then instance: an instance is in the scope of its last heartbeat. */
    private final Map<String, Map<String, Heartbeat>> heartbeats = new HashMap<>();
    private final Map<FleetScope, Map<String, List<FleetVerdict>>> verdicts = new HashMap<>();

    /** Creates an empty store. */
    public InMemoryFleetStore() {
    }

    @Override
    public synchronized void publish(FleetScope scope, String instance, Instant heartbeat, List<FleetBlock> published) {
        Objects.requireNonNull(heartbeat, "heartbeat");
        for (FleetBlock block : published) {
            blocks.add(new Row(++lastId, scope, block));
        }
        heartbeats.computeIfAbsent(scope.service(), s -> new HashMap<>()).put(instance, new Heartbeat(scope, heartbeat));
    }

    @Override
    public synchronized List<PublishedBlock> blocks(FleetScope scope, String feature, long afterBlockId) {
        List<PublishedBlock> found = new ArrayList<>();
        for (Row row : blocks.subList(firstAfter(afterBlockId), blocks.size())) {
            if (row.scope.equals(scope) && row.block.feature().equals(feature)) {
                found.add(new PublishedBlock(row.id, row.block));
            }
        }
        return found;
    }

    @Override
    public synchronized int deleteBlocks(FleetScope scope, String feature, long throughBlockId) {
        List<Row> through = blocks.subList(0, firstAfter(throughBlockId));
        int before = through.size();
        through.removeIf(row -> row.scope.equals(scope) && row.block.feature().equals(feature));
        return before - through.size();
    }

    /** Returns the index of the first row with an id above {@code id}: rows are kept by increasing id. */
    private int firstAfter(long id) {
        int low = 0;
        int high = blocks.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (blocks.get(middle).id <= id) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    @Override
    public synchronized Optional<FleetVerdict> latestVerdict(FleetScope scope, String feature) {
        List<FleetVerdict> list = verdicts(scope, feature);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    @Override
    public synchronized boolean recordVerdict(FleetScope scope, FleetVerdict verdict) {
        List<FleetVerdict> list = verdicts(scope, verdict.feature());
        if (list.stream().anyMatch(v -> v.epoch() == verdict.epoch())) {
            return false;
        }
        list.add(verdict);
        list.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
        return true;
    }

    private List<FleetVerdict> verdicts(FleetScope scope, String feature) {
        return verdicts.computeIfAbsent(scope, s -> new HashMap<>()).computeIfAbsent(feature, f -> new ArrayList<>());
    }

    @Override
    public synchronized List<String> liveInstances(FleetScope scope, Instant since) {
        return heartbeats.getOrDefault(scope.service(), Map.of()).entrySet().stream()
                .filter(e -> e.getValue().scope().equals(scope) && !e.getValue().time().isBefore(since))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
