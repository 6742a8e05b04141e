package dev.rollback.core.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the instances of a service share their judges' blocks, heartbeats and the fleet's verdicts:
 * the ledger's database ({@link dev.rollback.core.ledger.JdbcFleetStore}), or memory for tests ({@link InMemoryFleetStore}).
 * Everything is kept per {@link FleetScope} (service and version): blocks, heartbeats and verdicts of
 * one scope are never read in another.
 *
 * <p>Implementations must be safe for use from several threads and, for a shared database, from
 * several instances at once. A method that cannot reach the store throws an unchecked exception; the
 * fleet then keeps its blocks and tries again, and the local judges go on alone.
 */
public interface FleetStore {

    /**
     * Adds blocks and records the instance's heartbeat, together: after a failure nothing of it is
     * kept, so that publishing the same blocks again counts them once.
     *
     * @param scope     the publishing instance's service and version
     * @param instance  the publishing instance
     * @param heartbeat now, on the instance's clock
     * @param blocks    the blocks, possibly none
     */
    void publish(FleetScope scope, String instance, Instant heartbeat, List<FleetBlock> blocks);

    /**
     * Returns the blocks of a feature published in the scope after the block with id
     * {@code afterBlockId}, added up per instance.
     *
     * @param scope        the scope
     * @param feature      the feature
     * @param afterBlockId the newest block of the previous verdict, or 0
     * @return the pooled blocks
     */
    PooledBlocks pooled(FleetScope scope, String feature, long afterBlockId);

    /**
     * Returns the feature's latest verdict in the scope, if any.
     *
     * @param scope   the scope
     * @param feature the feature
     * @return the verdict with the highest epoch, or empty
     */
    Optional<FleetVerdict> latestVerdict(FleetScope scope, String feature);

    /**
     * Records a verdict unless one of that scope, feature and epoch exists.
     *
     * @param scope   the scope
     * @param verdict the verdict
     * @return {@code true} if this call recorded it, {@code false} if another instance was first
     */
    boolean recordVerdict(FleetScope scope, FleetVerdict verdict);

    /**
     * Returns the instances of the scope whose last heartbeat is not before {@code since}. An instance
     * is in the scope of its last heartbeat.
     *
     * @param scope   the scope
     * @param since   the oldest heartbeat that counts
     * @return the instance ids, sorted
     */
    List<String> liveInstances(FleetScope scope, Instant since);
}
