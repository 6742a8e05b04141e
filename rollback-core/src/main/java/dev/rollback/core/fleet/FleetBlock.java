package dev.rollback.core.fleet;

import dev.rollback.core.check.Arguments;
import java.time.Instant;
import java.util.Objects;

/**
 * The sufficient statistics of the pairs one instance's judge formed for one feature in one time
 * block: everything the fleet judge needs, and nothing about single calls.
 *
 * <p>A pair is a new-path call and an old-path call of the same instance taken close together (see
 * the judge package); its log ratio is {@code log(new + resolution) - log(old + resolution)} of a pair
 * in which both calls succeeded. Blocks of one instance and feature do not overlap; adding blocks
 * ({@link #plus(FleetBlock)}) adds their statistics.
 *
 * @param feature            the feature
 * @param instance           the instance whose judge formed the pairs
 * @param start              when the block started, on that instance's clock
 * @param end                when it ended, likewise; not before {@code start}
 * @param pairs              pairs formed
 * @param newOnlyFailures    discordant pairs in which only the new call failed
 * @param oldOnlyFailures    discordant pairs in which only the old call failed
 * @param latencyPairs       pairs in which both calls succeeded
 * @param sumLogRatio        sum over those of the log ratio
 * @param sumSquaredLogRatio sum over those of its square
 * @param sumNewLog          sum over those of {@code log(new + resolution)}, with latency in microseconds
 */
public record FleetBlock(String feature, String instance, Instant start, Instant end, long pairs,
                         long newOnlyFailures, long oldOnlyFailures, long latencyPairs, double sumLogRatio,
                         double sumSquaredLogRatio, double sumNewLog) {

    /**
     * Checks the block is consistent.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public FleetBlock {
        Arguments.requireText("feature", feature);
        Arguments.requireText("instance", instance);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        if (newOnlyFailures < 0 || oldOnlyFailures < 0 || latencyPairs < 0
                || newOnlyFailures + oldOnlyFailures + latencyPairs > pairs) {
            throw new IllegalArgumentException("inconsistent counts: pairs " + pairs + ", new-only failures "
                    + newOnlyFailures + ", old-only failures " + oldOnlyFailures + ", latency pairs " + latencyPairs);
        }
    }

    /**
     * Returns the statistics of both blocks together, as of this block's feature and instance, from the
     * earlier start to the later end.
     *
     * @param other the other block
     * @return the sum
     */
    public FleetBlock plus(FleetBlock other) {
        return new FleetBlock(feature, instance, start.isBefore(other.start) ? start : other.start,
                end.isAfter(other.end) ? end : other.end, pairs + other.pairs,
                newOnlyFailures + other.newOnlyFailures, oldOnlyFailures + other.oldOnlyFailures,
                latencyPairs + other.latencyPairs, sumLogRatio + other.sumLogRatio,
                sumSquaredLogRatio + other.sumSquaredLogRatio, sumNewLog + other.sumNewLog);
    }
}
