package dev.rollback.core.internal;

import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.judge.Evidence;

/**
 * Decides, sample by sample, whether a feature's new path is worse than its old path, comparing only
 * like with like: a new-path sample is compared with an old-path sample taken at the same time.
 *
 * <h2>Pairs</h2>
 * Each sample of the new path is paired with the latest unpaired sample of the old path, or waits
 * for the next one; a sample waits at most {@value #PAIR_GAP_SECONDS} seconds and behind at most
 * {@value #QUEUE} newer samples of its path; samples left without a partner add nothing. Pairing
 * looks only at which path ran and when, never at the outcome. Anything that hits both paths in the
 * same period (a slow database, a shared error burst, a traffic peak, a change of the rollout share,
 * an open breaker that stops the new path) hits both halves of a pair and cancels out; old-path runs
 * that answer for a failed or diverted new-path call (fallbacks) are never samples. What the tests
 * below assume is only that the two calls of a pair, a few calls apart, saw the same shared
 * conditions; a sudden change can catch the few pairs that straddle it, never more.
 *
 * <h2>Error rate: an exact conditional e-process on discordant pairs</h2>
 * A pair is discordant when exactly one of its calls failed. If the new path is no worse, the two
 * calls of a pair fail with the same probability whatever that probability is at that moment, so
 * which of them failed is a fair coin (at most a fair coin if the new path is better), conditionally
 * on everything before: the approach of Lindon, Sanden and Shirikian, "Rapid Regression Detection
 * in Software Deployments through Sequential Testing" (KDD 2022), and Lindon and Malek,
 * "Anytime-valid inference for multinomial count data" (NeurIPS 2022), where under no regression
 * the arm in which an event lands is a coin with the arms' traffic share as its bias, whatever the
 * shared rate does over time. Pairing makes that share one half at every rollout share. The
 * statistic is the product, over discordant pairs, of {@code 2q} if the new call failed and
 * {@code 2(1 - q)} if the old one did, where {@code q} in [1/2, {@value #MAX_Q}] is the chance that the
 * new call is the failed one predicted from the samples before the pair (plug-in). As {@code q} is
 * fixed before the pair is seen, each factor has expectation at most 1 under the null: the product
 * is a nonnegative supermartingale, and by Ville's inequality it ever reaches {@code 1 / alpha} with
 * probability at most {@code alpha}, however often it is looked at and however the shared error rate
 * moves. The prediction uses the old path's pre-rollout error rate as its prior; that sharpens it
 * (fewer calls to a verdict) and cannot break validity, since any prediction fixed in advance keeps
 * the product a supermartingale. The test is exact: it needs no minimum of samples. The feature is
 * rolled back only if, in addition, the paired failure proportions differ by more than
 * {@link GuardConfig#errorRateTolerance()} (a gate, which can only make rollbacks rarer).
 *
 * <h2>Latency: a mixture SPRT on paired differences of log latency</h2>
 * For pairs in which both calls succeeded, {@code d = log(new + resolution) - log(old + resolution)};
 * a common factor (everything slower by 2x) cancels in {@code d}. The test is the normal-mixture
 * sequential probability ratio test (mSPRT, Johari, Pekelis and Walsh, "Always valid inference",
 * 2017) of "mean of {@code d} at most {@code log(1 + latencyTolerance)}": for the mean's excess
 * {@code D} with variance {@code V} and a half-normal prior of scale {@code tau} on the effect, the
 * likelihood ratio is {@code sqrt(V / (V + tau^2)) * exp(tau^2 * D^2 / (2 * V * (V + tau^2)))}, times
 * the one-sided correction, averaged over a few scales so that large regressions are caught in a few
 * calls and small ones in a few thousand. It is valid as the paired differences' mean is
 * asymptotically normal (logs tame heavy tails); it starts after {@link GuardConfig#minimumSamples()}
 * pairs.
 *
 * <h2>When and against what</h2>
 * {@code alpha} is shared: two thirds for the error rate, one third for latency (its log e-values are
 * reduced by {@code ln 2}, so that both meet one threshold). Each test runs on every pair since the
 * rollout started (or since the last reinstate), with 90% of its share: the threshold is
 * {@code ln(1 / (0.6 alpha))}; and on a window that restarts every {@value #WINDOW} new-path samples,
 * so that a regression that starts after a long healthy period is not diluted by it: window {@code k}
 * spends {@code 6 / (pi^2 k^2)} of the remaining 10%. So the chance of any false rollback by the two
 * comparisons together, over the whole rollout, is at most {@code alpha}.
 *
 * <p>When the old path has not run for {@value #UNCONTROLLED_AFTER_ANY_TIME} new-path samples, or for
 * {@value #PAIR_GAP_SECONDS} seconds and {@value #UNCONTROLLED_AFTER} new-path samples (a 100% rollout
 * without a holdback), there is no concurrent control: the new path's samples since the old path last
 * ran, and all after, are then compared with the old path's samples from before the rollout (the
 * baseline) by two-sample mSPRTs of the same form, unpaired; the evidence says so. That comparison is
 * valid only if nothing else changed since the baseline: a system-wide shift can make it roll back. A
 * holdback ({@link GuardConfig#holdback()}) keeps a concurrent control. Without a baseline either (a
 * flag on for everyone from the start), only the absolute limits judge.
 *
 * <p>The maximum error rate and maximum latency are exact one-sample tests of a proportion (failures,
 * or calls slower than the limit) of the new path against the configured limit, by the same betting
 * construction: they need no control, and being absolute limits, a system-wide shift counts for them.
 *
 * <p>Not thread-safe: the guard serialises access, holding its lock only for the update, never while
 * user code runs.
 */
final class SequentialJudge {

    /** Prior scales for differences of proportions (0.02 is two percentage points). */
    private static final double[] PROPORTION_SCALES = {0.02, 0.08};
    /** Prior scales for differences of mean log latency (0.2 is about 22% slower). */
    static final double[] LOG_LATENCY_SCALES = {0.05, 0.2, 0.8};
    private static final double MIN_VARIANCE = 1e-12;
    private static final double LN_2 = Math.log(2);
    /** The share of {@code alpha} spent by the tests on all samples; the windows spend the rest. */
    private static final double ALL_SHARE = 0.9;
    /** The error rate's share of {@code alpha}; latency has the rest. */
    static final double ERROR_RATE_SHARE = 2.0 / 3;
    /**
     * What the latency tests' log e-values are reduced by, so that one threshold spends the error
     * rate's share of {@code alpha} on the error rate and the rest on latency.
     */
    private static final double LATENCY_LOG_DISCOUNT = Math.log(ERROR_RATE_SHARE / (1 - ERROR_RATE_SHARE));
    /** New-path samples per window of the windowed tests. */
    static final long WINDOW = 1_000;
    /** How far apart, at most, the two calls of a pair ran. */
    static final long PAIR_GAP_SECONDS = 60;
    private static final long PAIR_GAP_NANOS = PAIR_GAP_SECONDS * 1_000_000_000L;
    /** How many samples of one path wait, at most, for a partner; older ones are dropped. */
    static final int QUEUE = 32;
    /**
     * New-path samples without any old-path sample (and none for {@value #PAIR_GAP_SECONDS} seconds)
     * after which there is no concurrent control.
     */
    static final long UNCONTROLLED_AFTER = 100;
    /** New-path samples without any old-path sample after which there is no concurrent control at all. */
    static final long UNCONTROLLED_AFTER_ANY_TIME = 1_000;
    /** The highest predicted chance that the new call is the failed one of a discordant pair. */
    static final double MAX_Q = 0.95;
    /** At most this many baseline calls weigh in the prior of the old path's error rate. */
    private static final double MAX_PRIOR_WEIGHT = 1_000;

    private final double logThreshold;
    private final double logAlpha;
    private final double errorTolerance;
    private final double logLatencyTolerance;
    private final double resolutionMicros;
    private final long minimumSamples;
    private final double maximumErrorRate;
    private final long maximumLatencyNanos;

    private final Waiting waitingNew = new Waiting();
    private final Waiting waitingOld = new Waiting();
    /** Old-path samples from before the first new-path sample. */
    private final Arm baseline = new Arm();
    private final Scope all = new Scope();
    /** The current window's pairs and samples: restarted every {@value #WINDOW} new-path samples. */
    private final Scope recent = new Scope();
    private long window = 1;
    private double windowLogThreshold;
    private long newCalls;
    /** The new path's failures against the maximum error rate. */
    private final LimitTest failures;
    /** The new path's successful calls slower than the maximum latency, against the allowed share. */
    private final LimitTest slowCalls;
    private long oldCalls;
    private long newSinceOld;
    private long lastOldNanos;
    private boolean concurrent = true;
    /** The pairs since the fleet last took them; never read by the judge itself. */
    final PairTally tally = new PairTally();

    SequentialJudge(GuardConfig config) {
        this.logAlpha = Math.log(config.significanceLevel());
        this.logThreshold = -Math.log(ERROR_RATE_SHARE * ALL_SHARE) - logAlpha;
        this.errorTolerance = config.errorRateTolerance();
        this.logLatencyTolerance = Math.log1p(config.latencyTolerance());
        this.resolutionMicros = config.latencyResolution().toNanos() / 1_000.0;
        this.minimumSamples = config.minimumSamples();
        this.maximumErrorRate = config.maximumErrorRate();
        this.maximumLatencyNanos = config.maximumLatency().toNanos();
        this.failures = new LimitTest(maximumErrorRate);
        this.slowCalls = new LimitTest(1 - config.maximumLatencyQuantile());
        this.windowLogThreshold = windowThreshold(1);
    }

    /**
     * The threshold of window {@code k}: it spends {@code 6 / (pi^2 k^2)} of the windows' share, so
     * that all windows together spend at most that share.
     */
    private double windowThreshold(long k) {
        return -Math.log(ERROR_RATE_SHARE * (1 - ALL_SHARE)) - logAlpha + Math.log(Math.PI * Math.PI * k * k / 6);
    }

    /** Returns {@code ln(1 / (0.6 alpha))}, the log e-value at which a criterion decides on all samples. */
    double logThreshold() {
        return logThreshold;
    }

    /** Forgets every sample: judging starts afresh. */
    void reset() {
        waitingNew.clear();
        waitingOld.clear();
        baseline.reset();
        all.reset();
        recent.reset();
        window = 1;
        windowLogThreshold = windowThreshold(1);
        newCalls = 0;
        failures.reset();
        slowCalls.reset();
        oldCalls = 0;
        newSinceOld = 0;
        concurrent = true;
    }

    /**
     * Adds a sample of the new path and returns the evidence if it completes a verdict.
     *
     * @param failed       whether the call failed
     * @param latencyNanos how long it took
     * @param nowNanos     when it ended, on the guard's monotonic clock
     * @return the evidence of a regression, or {@code null}
     */
    Evidence recordNew(boolean failed, long latencyNanos, long nowNanos) {
        if (recent.newCalls == WINDOW) {
            recent.reset();
            window++;
            windowLogThreshold = windowThreshold(window);
        }
        newCalls++;
        recent.newCalls++;
        double x = logLatency(latencyNanos);
        failures.add(failed);
        if (!failed && maximumLatencyNanos > 0) {
            slowCalls.add(latencyNanos > maximumLatencyNanos);
        }
        newSinceOld++;
        boolean wasConcurrent = concurrent;
        concurrent = newSinceOld <= UNCONTROLLED_AFTER || newSinceOld <= UNCONTROLLED_AFTER_ANY_TIME
                && oldCalls > 0 && nowNanos - lastOldNanos <= PAIR_GAP_NANOS;
        if (wasConcurrent && !concurrent) {
            // The samples since the old path last ran were the first without a concurrent control.
            all.uncontrolled.addAll(all.sinceOld);
            recent.uncontrolled.addAll(recent.sinceOld);
        }
        Evidence evidence;
        if (concurrent) {
            all.sinceOld.add(failed, x);
            recent.sinceOld.add(failed, x);
            waitingOld.dropOlderThan(nowNanos - PAIR_GAP_NANOS);
            if (waitingOld.isEmpty()) {
                waitingNew.add(failed, x, nowNanos);
                evidence = null;
            } else {
                evidence = pair(failed, x, waitingOld.failedOfNewest(), waitingOld.xOfNewest());
                waitingOld.removeNewest();
            }
        } else {
            all.uncontrolled.add(failed, x);
            recent.uncontrolled.add(failed, x);
            evidence = againstBaseline(failed);
        }
        return evidence != null ? evidence : absoluteLimits();
    }

    /**
     * Adds a sample of the old path (never a fallback) and returns the evidence if it completes a
     * verdict.
     *
     * @param failed       whether the call failed
     * @param latencyNanos how long it took
     * @param nowNanos     when it ended, on the guard's monotonic clock
     * @return the evidence of a regression, or {@code null}
     */
    Evidence recordOld(boolean failed, long latencyNanos, long nowNanos) {
        double x = logLatency(latencyNanos);
        oldCalls++;
        newSinceOld = 0;
        all.sinceOld.reset();
        recent.sinceOld.reset();
        lastOldNanos = nowNanos;
        if (newCalls == 0) {
            baseline.add(failed, x);
            return null;
        }
        concurrent = true;
        waitingNew.dropOlderThan(nowNanos - PAIR_GAP_NANOS);
        if (waitingNew.isEmpty()) {
            waitingOld.add(failed, x, nowNanos);
            return null;
        }
        Evidence evidence = pair(waitingNew.failedOfNewest(), waitingNew.xOfNewest(), failed, x);
        waitingNew.removeNewest();
        return evidence;
    }

    private Evidence pair(boolean newFailed, double newX, boolean oldFailed, double oldX) {
        double prior = oldErrorRatePrior();
        double priorWeight = 1 + Math.min(baseline.calls, MAX_PRIOR_WEIGHT);
        tally.add(newFailed, newX, oldFailed, oldX);
        all.pairs.add(newFailed, newX, oldFailed, oldX, prior, priorWeight);
        recent.pairs.add(newFailed, newX, oldFailed, oldX, prior, priorWeight);
        Evidence evidence = pairedErrors(all.pairs, logThreshold, true);
        if (evidence == null && window > 1) {
            evidence = pairedErrors(recent.pairs, windowLogThreshold, true);
        }
        if (evidence == null && !newFailed && !oldFailed) {
            evidence = pairedLatency(all.pairs, logThreshold, true);
            if (evidence == null && window > 1) {
                evidence = pairedLatency(recent.pairs, windowLogThreshold, true);
            }
        }
        return evidence;
    }

    /** The old path's error rate before the rollout, shrunk towards 1% while the baseline is short. */
    private double oldErrorRatePrior() {
        return (baseline.failures + 0.01) / (baseline.calls + 1.0);
    }

    private Evidence againstBaseline(boolean failed) {
        Evidence evidence = errorRate(all.uncontrolled, logThreshold, true);
        if (evidence == null && !failed) {
            evidence = latency(all.uncontrolled, logThreshold, true);
        }
        if (evidence == null && window > 1) {
            evidence = errorRate(recent.uncontrolled, windowLogThreshold, true);
            if (evidence == null && !failed) {
                evidence = latency(recent.uncontrolled, windowLogThreshold, true);
            }
        }
        return evidence;
    }

    private Evidence absoluteLimits() {
        Evidence evidence = null;
        if (maximumErrorRate < 1) {
            evidence = maximumErrorRate(true);
        }
        if (evidence == null && maximumLatencyNanos > 0) {
            evidence = maximumLatency(true);
        }
        return evidence;
    }

    /** Returns the current log e-value of a criterion on all samples, for the gauge. */
    double logEvidence(Criterion criterion) {
        Evidence evidence = switch (criterion) {
            case ERROR_RATE -> concurrent ? pairedErrors(all.pairs, logThreshold, false)
                    : errorRate(all.uncontrolled, logThreshold, false);
            case LATENCY -> concurrent ? pairedLatency(all.pairs, logThreshold, false)
                    : latency(all.uncontrolled, logThreshold, false);
            case MAXIMUM_ERROR_RATE -> maximumErrorRate < 1 ? maximumErrorRate(false) : null;
            case MAXIMUM_LATENCY -> maximumLatencyNanos > 0 ? maximumLatency(false) : null;
        };
        return evidence == null ? 0 : evidence.logEvidence();
    }

    /**
     * Whether the latest new-path samples had a concurrent control (old-path samples of the same
     * period); {@code false} while they are compared with the pre-rollout baseline.
     */
    boolean concurrentControl() {
        return concurrent;
    }

    long newSamples() {
        return newCalls;
    }

    long oldSamples() {
        return oldCalls;
    }

    long pairs() {
        return all.pairs.count;
    }

    private Evidence pairedErrors(Pairs p, double threshold, boolean verdictOnly) {
        if (p.count == 0) {
            return null;
        }
        double pNew = (double) p.newFailures / p.count;
        double pOld = (double) p.oldFailures / p.count;
        if (verdictOnly && (p.logE < threshold || pNew - pOld <= errorTolerance)) {
            return null;
        }
        return new Evidence(Criterion.ERROR_RATE, p.count, p.count, pNew, pOld, pNew - pOld, errorTolerance,
                p.logE, threshold, true);
    }

    private Evidence pairedLatency(Pairs p, double threshold, boolean verdictOnly) {
        long m = p.latencyPairs;
        if (m < minimumSamples) {
            return null;
        }
        double d = p.meanDiff - logLatencyTolerance;
        double v = (m < 2 ? 0 : p.m2Diff / (m - 1)) / m;
        return decide(Criterion.LATENCY, verdictOnly, threshold, d, v, LOG_LATENCY_SCALES, m, m,
                geometricMeanMillis(p.meanNewLog), geometricMeanMillis(p.meanNewLog - p.meanDiff),
                Math.expm1(p.meanDiff), Math.expm1(logLatencyTolerance), true);
    }

    private Evidence errorRate(Arm newA, double threshold, boolean verdictOnly) {
        long nNew = newA.calls;
        long nOld = baseline.calls;
        if (nNew < minimumSamples || nOld < minimumSamples) {
            return null;
        }
        double pNew = (double) newA.failures / nNew;
        double pOld = (double) baseline.failures / nOld;
        double d = pNew - pOld - errorTolerance;
        if (verdictOnly && d <= 0) {
            return null;
        }
        double pooled = (double) (newA.failures + baseline.failures) / (nNew + nOld);
        double v = Math.max(pooled * (1 - pooled) * (1.0 / nNew + 1.0 / nOld),
                pNew * (1 - pNew) / nNew + pOld * (1 - pOld) / nOld);
        return decide(Criterion.ERROR_RATE, verdictOnly, threshold, d, v, PROPORTION_SCALES,
                nNew, nOld, pNew, pOld, pNew - pOld, errorTolerance, false);
    }

    private Evidence latency(Arm newA, double threshold, boolean verdictOnly) {
        long mNew = newA.successes;
        long mOld = baseline.successes;
        if (mNew < minimumSamples || mOld < minimumSamples) {
            return null;
        }
        double meanNew = newA.meanLog;
        double meanOld = baseline.meanLog;
        double d = meanNew - meanOld - logLatencyTolerance;
        if (verdictOnly && d <= 0) {
            return null;
        }
        double varNew = newA.varianceLog();
        double varOld = baseline.varianceLog();
        double pooled = ((mNew - 1) * varNew + (mOld - 1) * varOld) / (mNew + mOld - 2);
        double v = Math.max(pooled * (1.0 / mNew + 1.0 / mOld), varNew / mNew + varOld / mOld);
        return decide(Criterion.LATENCY, verdictOnly, threshold, d, v, LOG_LATENCY_SCALES, mNew, mOld,
                geometricMeanMillis(meanNew), geometricMeanMillis(meanOld),
                Math.expm1(meanNew - meanOld), Math.expm1(logLatencyTolerance), false);
    }

    private Evidence maximumErrorRate(boolean verdictOnly) {
        return failures.evidence(Criterion.MAXIMUM_ERROR_RATE, logThreshold, verdictOnly);
    }

    private Evidence maximumLatency(boolean verdictOnly) {
        return slowCalls.evidence(Criterion.MAXIMUM_LATENCY, logThreshold, verdictOnly);
    }

    static Evidence decide(Criterion criterion, boolean verdictOnly, double threshold, double d,
                           double variance, double[] scales, long nNew, long nOld, double newEstimate,
                           double oldEstimate, double effect, double tolerance, boolean concurrent) {
        if (verdictOnly && d <= 0) {
            return null;
        }
        double v = Math.max(variance, MIN_VARIANCE);
        double halfZSquared = d * d / (2 * v);
        double discount = criterion == Criterion.LATENCY ? LATENCY_LOG_DISCOUNT : 0;
        // Every mixture term is at most 2 exp(z^2 / 2): below the threshold there, no need for exp and log.
        if (verdictOnly && halfZSquared + LN_2 - discount < threshold) {
            return null;
        }
        double logE = d <= 0 ? 0 : logMixture(halfZSquared, v, scales) - discount;
        if (verdictOnly && logE < threshold) {
            return null;
        }
        return new Evidence(criterion, nNew, nOld, newEstimate, oldEstimate, effect, tolerance, logE, threshold,
                concurrent);
    }

    /** {@code ln(mean over scales of sqrt(V / (V + tau^2)) * exp(z^2 / 2 * tau^2 / (V + tau^2)))}. */
    private static double logMixture(double halfZSquared, double v, double[] scales) {
        double max = Double.NEGATIVE_INFINITY;
        for (double scale : scales) {
            max = Math.max(max, logTerm(halfZSquared, v, scale));
        }
        double sum = 0;
        for (double scale : scales) {
            sum += Math.exp(logTerm(halfZSquared, v, scale) - max);
        }
        return max + Math.log(sum / scales.length);
    }

    /**
     * The log likelihood ratio mixed over a half-normal prior of scale {@code tau} on the regression
     * (one-sided: only a new path that is worse counts), for an estimate with {@code z^2 / 2 =
     * halfZSquared}: {@code sqrt(s) * exp(x^2 / 2) * 2 * Phi(x)} with {@code s = V / (V + tau^2)} and
     * {@code x^2 / 2 = halfZSquared * (1 - s)}.
     */
    private static double logTerm(double halfZSquared, double v, double scale) {
        double shrink = v / (v + scale * scale);
        double halfXSquared = halfZSquared * (1 - shrink);
        return 0.5 * Math.log(shrink) + halfXSquared + Math.log(2 * normalCdf(Math.sqrt(2 * halfXSquared)));
    }

    /** The standard normal distribution function, to a relative error below 1.2e-7. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** Complementary error function (Numerical Recipes' Chebyshev fit, fractional error below 1.2e-7). */
    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private double logLatency(long nanos) {
        // Plus one microsecond so that the log of a zero-latency call (a virtual clock) is finite.
        return Math.log(1 + resolutionMicros + Math.max(0, nanos) / 1_000.0);
    }

    /** The geometric mean of latency plus resolution: the scale on which the effect is measured. */
    static double geometricMeanMillis(double meanLog) {
        return (Math.exp(meanLog) - 1) / 1_000.0;
    }

    /**
     * The probability that, in a discordant pair, the new call is the failed one, if each path fails
     * at the rate estimated from the pairs so far (the old path's estimate starting from the prior):
     * the prediction of the plug-in e-process, kept in [1/2, {@value #MAX_Q}].
     */
    static double predictNewFailed(long pairs, long newFailures, long oldFailures, double oldPrior,
                                   double priorWeight) {
        double pOld = (oldFailures + priorWeight * oldPrior) / (pairs + priorWeight);
        // Optimistic about a regression until the pairs say otherwise: the first discordant pairs count.
        double pNew = (newFailures + 0.5) / (pairs + 1.0);
        double newOnly = pNew * (1 - pOld);
        double q = newOnly / (newOnly + pOld * (1 - pNew));
        return Math.min(MAX_Q, Math.max(0.5, q));
    }

    /**
     * An exact one-sample test that a rate is at most a limit: the product over samples of
     * {@code q / limit} for a hit and {@code (1 - q) / (1 - limit)} for a miss, where {@code q}, at least
     * the limit, is predicted from the samples before. For any true rate up to the limit each factor
     * has expectation at most 1, so the product is a nonnegative supermartingale.
     */
    private static final class LimitTest {
        private final double limit;
        private final double maxQ;
        long samples;
        long hits;
        double logE;

        LimitTest(double limit) {
            this.limit = limit;
            this.maxQ = limit + (1 - limit) * 0.9;
        }

        void add(boolean hit) {
            if (limit >= 1 || limit <= 0) {
                return;
            }
            double q = Math.min(maxQ, Math.max(limit, (hits + 0.5) / (samples + 1.0)));
            logE += hit ? Math.log(q / limit) : Math.log((1 - q) / (1 - limit));
            samples++;
            if (hit) {
                hits++;
            }
        }

        Evidence evidence(Criterion criterion, double threshold, boolean verdictOnly) {
            if (samples == 0 || verdictOnly && logE < threshold) {
                return null;
            }
            double rate = (double) hits / samples;
            return new Evidence(criterion, samples, 0, rate, limit, rate - limit, 0, logE, threshold, true);
        }

        void reset() {
            samples = 0;
            hits = 0;
            logE = 0;
        }
    }

    /** Samples and pairs of one scope: all since the rollout, or the current window. */
    private static final class Scope {
        final Pairs pairs = new Pairs();
        /** New-path samples without a concurrent control, compared with the baseline. */
        final Arm uncontrolled = new Arm();
        /** New-path samples since the old path last ran: without a concurrent control, if it does not again. */
        final Arm sinceOld = new Arm();
        long newCalls;

        void reset() {
            pairs.reset();
            uncontrolled.reset();
            sinceOld.reset();
            newCalls = 0;
        }
    }

    /** The running statistics of a scope's pairs. */
    private static final class Pairs {
        long count;
        long newFailures;
        long oldFailures;
        /** The log of the error rate's e-process. */
        double logE;
        long latencyPairs;
        double meanDiff;
        double m2Diff;
        double meanNewLog;

        void add(boolean newFailed, double newX, boolean oldFailed, double oldX, double oldPrior,
                 double priorWeight) {
            if (newFailed != oldFailed) {
                double q = predictNewFailed(count, newFailures, oldFailures, oldPrior, priorWeight);
                logE += Math.log(2 * (newFailed ? q : 1 - q));
            }
            count++;
            if (newFailed) {
                newFailures++;
            }
            if (oldFailed) {
                oldFailures++;
            }
            if (!newFailed && !oldFailed) {
                latencyPairs++;
                double delta = newX - oldX - meanDiff;
                meanDiff += delta / latencyPairs;
                m2Diff += delta * (newX - oldX - meanDiff);
                meanNewLog += (newX - meanNewLog) / latencyPairs;
            }
        }

        void reset() {
            count = 0;
            newFailures = 0;
            oldFailures = 0;
            logE = 0;
            latencyPairs = 0;
            meanDiff = 0;
            m2Diff = 0;
            meanNewLog = 0;
        }
    }

    /**
     * Samples of one path waiting for a partner of the other, at most {@value #QUEUE}: a new partner
     * takes the newest (the closest in time); the oldest is dropped when full or too old.
     */
    private static final class Waiting {
        private final boolean[] failed = new boolean[QUEUE];
        private final double[] x = new double[QUEUE];
        private final long[] nanos = new long[QUEUE];
        private int head;
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        void add(boolean f, double logLatency, long now) {
            if (size == QUEUE) {
                removeOldest();
            }
            int i = (head + size) % QUEUE;
            failed[i] = f;
            x[i] = logLatency;
            nanos[i] = now;
            size++;
        }

        boolean failedOfNewest() {
            return failed[(head + size - 1) % QUEUE];
        }

        double xOfNewest() {
            return x[(head + size - 1) % QUEUE];
        }

        void removeNewest() {
            size--;
        }

        void removeOldest() {
            head = (head + 1) % QUEUE;
            size--;
        }

        void dropOlderThan(long limitNanos) {
            while (size > 0 && nanos[head] < limitNanos) {
                removeOldest();
            }
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }

    /** The running counts and log-latency moments of unpaired samples of one path. */
    private static final class Arm {
        long calls;
        long failures;
        long successes;
        double meanLog;
        double m2Log;

        void add(boolean failed, double x) {
            calls++;
            if (failed) {
                failures++;
                return;
            }
            successes++;
            double delta = x - meanLog;
            meanLog += delta / successes;
            m2Log += delta * (x - meanLog);
        }

        double varianceLog() {
            return successes < 2 ? 0 : m2Log / (successes - 1);
        }

        /** Adds another arm's samples (Chan, Golub and LeVeque's update of the moments). */
        void addAll(Arm other) {
            long total = successes + other.successes;
            if (total > 0) {
                double delta = other.meanLog - meanLog;
                m2Log += other.m2Log + delta * delta * successes * other.successes / total;
                meanLog += delta * other.successes / total;
            }
            calls += other.calls;
            failures += other.failures;
            successes = total;
        }

        void reset() {
            calls = 0;
            failures = 0;
            successes = 0;
            meanLog = 0;
            m2Log = 0;
        }
    }
}
