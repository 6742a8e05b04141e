package dev.rollback.core.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the instances of a service share their judges' blocks, heartbeats and the fleet's verdicts:
 * the ledger's database ({@link dev.rollback.core.ledger.JdbcFleetStore}), or memory for tests ({@link InMemoryFleetStore}).
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
     * @param service   the service
     * @param instance  the publishing instance
     * @param heartbeat now, on the instance's clock
     * @param blocks    the blocks, possibly none
     */
    void publish(String service, String instance, Instant heartbeat, List<FleetBlock> blocks);

    /**
     * Returns the blocks of a feature published after the block with id {@code afterBlockId}, added up
     * per instance.
     *
     * @param service      the service
     * @param feature      the feature
     * @param afterBlockId the newest block of the previous verdict, or 0
     * @return the pooled blocks
     */
    PooledBlocks pooled(String service, String feature, long afterBlockId);

    /**
     * Returns the feature's latest verdict, if any.
     *
     * @param service the service
     * @param feature the feature
     * @return the verdict with the highest epoch, or empty
     */
    Optional<FleetVerdict> latestVerdict(String service, String feature);

    /**
     * Records a verdict unless one of that feature and epoch exists.
     *
     * @param service the service
     * @param verdict the verdict
     * @return {@code true} if this call recorded it, {@code false} if another instance was first
     */
    boolean recordVerdict(String service, FleetVerdict verdict);

    /**
     * Returns the instances whose last heartbeat is not before {@code since}.
     *
     * @param service the service
     * @param since   the oldest heartbeat that counts
     * @return the instance ids, sorted
     */
    List<String> liveInstances(String service, Instant since);
}
