package dev.rollback.core.internal;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.judge.Evidence;

/**
 * The fleet judge's tests on the pooled pairs of every instance; see {@link dev.rollback.core.fleet}
 * for why they are valid.
 */
public final class PooledTest {

    /**
     * The chances, that the new call is the failed one of a discordant pair, over which the error
     * test's e-value is mixed with equal weights: each is a bet fixed in advance.
     */
    static final double[] BETS = {0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95};

    private PooledTest() {
    }

    /**
     * Returns the log e-value at which the fleet judge decides: {@code ln(1 / (2/3 alpha))}; the latency
     * test's log e-values are reduced by {@code ln 2} so that it spends the remaining third.
     *
     * @param config the feature's configuration
     * @return the log threshold
     */
    public static double logThreshold(GuardConfig config) {
        return -Math.log(SequentialJudge.ERROR_RATE_SHARE * config.significanceLevel());
    }

    /**
     * Returns {@code ln} of the mean over {@link #BETS} of {@code (2q)^newOnly (2(1 - q))^oldOnly}.
     *
     * @param newOnly discordant pairs in which the new call failed
     * @param oldOnly discordant pairs in which the old call failed
     * @return the log e-value
     */
    public static double logErrorEvidence(long newOnly, long oldOnly) {
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[BETS.length];
        for (int i = 0; i < BETS.length; i++) {
            terms[i] = newOnly * Math.log(2 * BETS[i]) + oldOnly * Math.log(2 * (1 - BETS[i]));
            max = Math.max(max, terms[i]);
        }
        double sum = 0;
        for (double term : terms) {
            sum += Math.exp(term - max);
        }
        return max + Math.log(sum / BETS.length);
    }

    /**
     * Tests the error rate on the pooled pairs.
     *
     * @param total  every instance's pairs, added; at least one
     * @param config the feature's configuration
     * @return the evidence, a verdict or not
     */
    public static Evidence errorRate(FleetBlock total, GuardConfig config) {
        double logE = logErrorEvidence(total.newOnlyFailures(), total.oldOnlyFailures());
        long bothFailed = total.pairs() - total.newOnlyFailures() - total.oldOnlyFailures() - total.latencyPairs();
        double pNew = (double) (total.newOnlyFailures() + bothFailed) / total.pairs();
        double pOld = (double) (total.oldOnlyFailures() + bothFailed) / total.pairs();
        return new Evidence(Criterion.ERROR_RATE, total.pairs(), total.pairs(), pNew, pOld, pNew - pOld,
                config.errorRateTolerance(), logE, logThreshold(config), true);
    }

    /**
     * Whether evidence is a verdict: its log e-value reached the threshold and its effect exceeds the
     * tolerance, as the local judge requires.
     *
     * @param evidence the evidence, or {@code null}
     * @return whether it is a verdict
     */
    public static boolean isVerdict(Evidence evidence) {
        return evidence != null && evidence.logEvidence() >= evidence.logThreshold()
                && evidence.effect() > evidence.tolerance();
    }

    /**
     * Tests latency on the pooled pairs in which both calls succeeded: the local judge's normal-mixture
     * SPRT on the mean log ratio, with the variance of the pooled log ratios.
     *
     * @param total  every instance's pairs, added
     * @param config the feature's configuration
     * @return the evidence, a verdict or not; {@code null} before {@link GuardConfig#minimumSamples()}
     *         pairs in which both calls succeeded
     */
    public static Evidence latency(FleetBlock total, GuardConfig config) {
        long m = total.latencyPairs();
        if (m < Math.max(2, config.minimumSamples())) {
            return null;
        }
        double logTolerance = Math.log1p(config.latencyTolerance());
        double mean = total.sumLogRatio() / m;
        double variance = Math.max(0, (total.sumSquaredLogRatio() - m * mean * mean) / (m - 1));
        double meanNewLog = total.sumNewLog() / m;
        return SequentialJudge.decide(Criterion.LATENCY, false, logThreshold(config), mean - logTolerance,
                variance / m, SequentialJudge.LOG_LATENCY_SCALES, m, m, SequentialJudge.geometricMeanMillis(meanNewLog),
                SequentialJudge.geometricMeanMillis(meanNewLog - mean), Math.expm1(mean),
                config.latencyTolerance(), true);
    }
}
