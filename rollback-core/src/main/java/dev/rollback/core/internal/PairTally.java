package dev.rollback.core.internal;

import dev.rollback.core.fleet.FleetBlock;
import java.time.Instant;

/**
 * The pairs a judge formed since the fleet last took them: a few additions per pair, under the
 * judge's lock, so that publishing them costs the guarded call nothing more.
 */
final class PairTally {

    private long pairs;
    private long newOnlyFailures;
    private long oldOnlyFailures;
    private long latencyPairs;
    private double sumLogRatio;
    private double sumSquaredLogRatio;
    private double sumNewLog;

    void add(boolean newFailed, double newX, boolean oldFailed, double oldX) {
        pairs++;
        if (newFailed && !oldFailed) {
            newOnlyFailures++;
        } else if (oldFailed && !newFailed) {
            oldOnlyFailures++;
        } else if (!newFailed) {
            latencyPairs++;
            double d = newX - oldX;
            sumLogRatio += d;
            sumSquaredLogRatio += d * d;
            sumNewLog += newX;
        }
    }

    /** Returns the tally as a block and starts a new one; {@code null} if no pair was formed. */
    FleetBlock take(String feature, String instance, Instant start, Instant end) {
        if (pairs == 0) {
            return null;
        }
        FleetBlock block = new FleetBlock(feature, instance, start, end, pairs, newOnlyFailures, oldOnlyFailures,
                latencyPairs, sumLogRatio, sumSquaredLogRatio, sumNewLog);
        pairs = 0;
        newOnlyFailures = 0;
        oldOnlyFailures = 0;
        latencyPairs = 0;
        sumLogRatio = 0;
        sumSquaredLogRatio = 0;
        sumNewLog = 0;
        return block;
    }
}
