package dev.rollback.core.internal;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.fleet.PooledBlocks;
import dev.rollback.core.fleet.PublishedBlock;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One instance's running totals of a feature's pooled blocks in one verdict epoch: each round reads
 * only the blocks of the last {@code window} or so, adds those it has not added yet, and returns the
 * same {@link PooledBlocks} a full re-sum ({@link FleetStore#pooled(FleetScope, String, long)}) would,
 * at a cost that does not grow with the length of the rollout.
 *
 * <h2>Why it reads a window, not only ids above the highest added</h2>
 * Block ids come from an identity column and are handed out when a publication starts, but become
 * visible when it commits: of two instances publishing at once, the one with the lower id may commit
 * after a read already saw the higher one. Reading "id above the highest seen" would lose that block
 * for ever. So each round reads every block above {@code complete}, an id below which nothing new can
 * appear, skips the ids it has added, and then moves {@code complete} up.
 *
 * <p>Why that is safe: a read that ended at time {@code t} and saw the highest id {@code m} was made
 * after {@code m} was handed out, so every id up to {@code m} was handed out before {@code t} (ids grow
 * as they are handed out, see {@link FleetStore#blocks(FleetScope, String, long)}). A publication is
 * one short transaction; assuming it ends (commits or rolls back) within {@code window} of starting,
 * every block with an id up to {@code m} is visible, or never will be, from {@code t + window} on. A
 * read that starts then, reading everything above the old {@code complete}, has therefore added all of
 * them, and {@code complete} becomes {@code m}. Times are the instance's monotonic clock around its own
 * reads, so clock skew between instances plays no part. The window is the fleet's
 * {@link dev.rollback.core.fleet.FleetConfig#staleAfter()}: a publication that takes longer has
 * written a heartbeat that was stale when it committed. Should one take longer all the same, its block
 * is not added by the instances that had read past it: they pool fewer pairs, which can delay a
 * verdict, never make a false one, since which strata are left out does not depend on their outcome.
 *
 * <p>A round whose read fails changes nothing, so a retry counts no block twice. Not thread-safe: the
 * fleet's thread alone uses it.
 */
public final class RunningPool {

    /** A read: when it ended on the monotonic clock, and the highest id it saw. */
    private record Read(long endedNanos, long highestId) {
    }

    private final long windowNanos;
    private final Map<String, FleetBlock> perInstance = new TreeMap<>();
    /** Ids above {@link #complete} already added. */
    private final NavigableSet<Long> added = new TreeSet<>();
    /** Reads not yet a window old, oldest first. */
    private final ArrayDeque<Read> reads = new ArrayDeque<>();
    private long afterBlockId = -1;
    /** Every block with an id up to this that will ever be visible is added (or before the epoch). */
    private long complete;
    private long lastBlockId;

    /**
     * Creates empty totals.
     *
     * @param window how long a publication takes at most, from its id to its commit
     */
    public RunningPool(Duration window) {
        this.windowNanos = window.toNanos();
    }

    /**
     * Reads the blocks published since about the previous round and returns the totals of every block
     * after {@code afterBlockId}: started afresh when {@code afterBlockId} is not the one of the previous
     * round (a new verdict).
     *
     * @param store        the store
     * @param scope        the scope
     * @param feature      the feature
     * @param afterBlockId the newest block of the feature's last verdict, or 0
     * @param clock        the clock whose monotonic time measures the window
     * @return the pooled blocks, as a full re-sum after {@code afterBlockId} would return them
     */
    public PooledBlocks refresh(FleetStore store, FleetScope scope, String feature, long afterBlockId, Clock clock) {
        if (afterBlockId != this.afterBlockId) {
            startAfter(afterBlockId);
        }
        long started = clock.monotonicTime();
        List<PublishedBlock> read = store.blocks(scope, feature, complete);
        long ended = clock.monotonicTime();
        long highest = complete;
        for (PublishedBlock block : read) {
            highest = Math.max(highest, block.id());
            if (added.add(block.id())) {
                perInstance.merge(block.block().instance(), block.block(), FleetBlock::plus);
                lastBlockId = Math.max(lastBlockId, block.id());
            }
        }
        while (!reads.isEmpty() && started - reads.peekFirst().endedNanos() >= windowNanos) {
            complete = Math.max(complete, reads.removeFirst().highestId());
        }
        reads.addLast(new Read(ended, highest));
        added.headSet(complete, true).clear();
        return new PooledBlocks(List.copyOf(perInstance.values()), lastBlockId);
    }

    private void startAfter(long blockId) {
        afterBlockId = blockId;
        complete = blockId;
        lastBlockId = blockId;
        perInstance.clear();
        added.clear();
        reads.clear();
    }
}
