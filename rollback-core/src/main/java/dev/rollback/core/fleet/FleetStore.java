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
     * Returns the blocks of a feature published in the scope with an id above {@code afterBlockId}, one
     * by one, in the order of their ids. The fleet judge reads with this, each round only from a little
     * below the newest id it has added (see {@link dev.rollback.core.fleet}).
     *
     * <p>Ids must be handed out in increasing order as publications start (an identity column or a
     * sequence without per-session caching, as H2's and PostgreSQL's are by default), and a block must
     * become visible to every reader once its publication commits; a publication may commit after one
     * that started later, so a read can see a higher id before a lower one.
     *
     * @param scope        the scope
     * @param feature      the feature
     * @param afterBlockId the id to read after, or 0 for all
     * @return the blocks, by increasing id
     */
    List<PublishedBlock> blocks(FleetScope scope, String feature, long afterBlockId);

    /**
     * Returns the blocks of a feature published in the scope after the block with id
     * {@code afterBlockId}, added up per instance: a full re-sum, to read once (the fleet judge keeps
     * running totals instead). By default it adds up {@link #blocks(FleetScope, String, long)}.
     *
     * @param scope        the scope
     * @param feature      the feature
     * @param afterBlockId the newest block of the previous verdict, or 0
     * @return the pooled blocks
     */
    default PooledBlocks pooled(FleetScope scope, String feature, long afterBlockId) {
        return PooledBlocks.sum(blocks(scope, feature, afterBlockId), afterBlockId);
    }

    /**
     * Deletes the blocks of a feature in the scope with an id up to {@code throughBlockId}. The fleet
     * calls it with the newest block of a verdict that is {@link FleetConfig#staleAfter()} old: every
     * round reads the latest verdict before the blocks and pools only those after its newest block, so
     * no round reads these again and no verdict changes.
     *
     * @param scope          the scope
     * @param feature        the feature
     * @param throughBlockId the newest block to delete
     * @return how many blocks were deleted
     */
    int deleteBlocks(FleetScope scope, String feature, long throughBlockId);

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
