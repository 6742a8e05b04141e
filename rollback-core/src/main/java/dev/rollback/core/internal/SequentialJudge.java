package dev.rollback.core.internal;

import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.judge.Evidence;

/**
 * Decides, sample by sample, whether a feature's new path is worse than its old path.
 *
 * <p>Each criterion is a normal-mixture sequential probability ratio test (mSPRT, Johari, Pekelis and
 * Walsh, "Always valid inference", 2017). For an estimate {@code D} of how much worse the new path
 * is beyond the tolerance, with variance {@code V}, and a normal prior {@code N(0, tau^2)} on the true
 * effect, the likelihood ratio against "no worse than the tolerance" is
 * <pre>  sqrt(V / (V + tau^2)) * exp(tau^2 * D^2 / (2 * V * (V + tau^2)))</pre>
 * It is averaged over a few prior scales {@code tau} so that large regressions are caught in a few
 * calls and small ones in a few thousand; an average of martingales is a martingale, so the test
 * stays valid. The prior is half-normal (only a worse new path counts), so the test is one-sided.
 *
 * <p>Each criterion runs twice. Once on every sample since the rollout started (or since the last
 * reinstate), with half of {@code alpha}: the threshold is {@code ln(2 / alpha)}. And once on a window
 * that restarts every {@value #WINDOW} new-path samples, so that a regression that starts after a long
 * healthy period is not diluted by it: window {@code k} spends {@code alpha / 2 * 6 / (pi^2 k^2)}, so
 * all windows together spend at most the other half. The feature is rolled back when any test
 * reaches its threshold.
 *
 * <ul>
 *   <li>Error rate: {@code D} is the difference of the failure proportions minus the tolerance;
 *       {@code V} is the larger of the pooled and the unpooled binomial variance, with one failure
 *       and one success added to the pool so that it is never zero.</li>
 *   <li>Latency: on the log of each successful call's latency plus the configured resolution,
 *       {@code D} is the difference of the means minus {@code log(1 + tolerance)}; {@code V} is the
 *       larger of the pooled and the Welch variance.</li>
 *   <li>Maximum error rate and maximum latency: one-sample tests of a proportion (failures, or calls
 *       slower than the limit) against the configured limit, with the variance at the limit.</li>
 * </ul>
 *
 * <p>When every call takes the new path, the old path's samples from before (the baseline) are the
 * comparison. Not thread-safe: the guard serialises access, holding its lock only for the update,
 * never while user code runs.
 */
final class SequentialJudge {

    /** Prior scales for differences of proportions (0.02 is two percentage points). */
    private static final double[] PROPORTION_SCALES = {0.02, 0.08};
    /** Prior scales for differences of mean log latency (0.2 is about 22% slower). */
    private static final double[] LOG_LATENCY_SCALES = {0.05, 0.2, 0.8};
    private static final double MIN_VARIANCE = 1e-12;
    private static final double LN_2 = Math.log(2);
    /** New-path samples per window of the windowed tests. */
    static final long WINDOW = 1_000;

    /** ln(1 / alpha) + ln 2: half of alpha goes to the tests since the start, half to the windows. */
    private final double logThreshold;
    private final double logAlpha;
    private final double errorTolerance;
    private final double logLatencyTolerance;
    private final double resolutionMicros;
    private final long minimumSamples;
    private final double maximumErrorRate;
    private final long maximumLatencyNanos;
    private final double allowedSlowShare;

    private final Arm newArm = new Arm();
    private final Arm oldArm = new Arm();
    /** The current window's samples: restarted every {@value #WINDOW} new-path samples. */
    private final Arm newWindow = new Arm();
    private final Arm oldWindow = new Arm();
    private long window = 1;
    private double windowLogThreshold;
    private long slowCalls;

    SequentialJudge(GuardConfig config) {
        this.logAlpha = Math.log(config.significanceLevel());
        this.logThreshold = LN_2 - logAlpha;
        this.errorTolerance = config.errorRateTolerance();
        this.logLatencyTolerance = Math.log1p(config.latencyTolerance());
        this.resolutionMicros = config.latencyResolution().toNanos() / 1_000.0;
        this.minimumSamples = config.minimumSamples();
        this.maximumErrorRate = config.maximumErrorRate();
        this.maximumLatencyNanos = config.maximumLatency().toNanos();
        this.allowedSlowShare = 1 - config.maximumLatencyQuantile();
        this.windowLogThreshold = windowThreshold(1);
    }

    /**
     * The threshold of window {@code k}: it spends {@code alpha / 2 * 6 / (pi^2 k^2)} of the error
     * budget, so that all windows together spend at most {@code alpha / 2}.
     */
    private double windowThreshold(long k) {
        return LN_2 - logAlpha + Math.log(Math.PI * Math.PI * k * k / 6);
    }

    /** Returns {@code ln(2 / alpha)}, the log e-value at which a criterion decides on all samples. */
    double logThreshold() {
        return logThreshold;
    }

    /** Forgets every sample: judging starts afresh. */
    void reset() {
        newArm.reset();
        oldArm.reset();
        newWindow.reset();
        oldWindow.reset();
        window = 1;
        windowLogThreshold = windowThreshold(1);
        slowCalls = 0;
    }

    /**
     * Adds a sample of the new path and returns the evidence if it completes a verdict.
     *
     * @param failed       whether the call failed
     * @param latencyNanos how long it took
     * @return the evidence of a regression, or {@code null}
     */
    Evidence recordNew(boolean failed, long latencyNanos) {
        if (newWindow.calls == WINDOW) {
            newWindow.reset();
            oldWindow.reset();
            window++;
            windowLogThreshold = windowThreshold(window);
        }
        double x = logLatency(latencyNanos);
        newArm.add(failed, x);
        newWindow.add(failed, x);
        if (!failed && maximumLatencyNanos > 0 && latencyNanos > maximumLatencyNanos) {
            slowCalls++;
        }
        return evaluate(failed);
    }

    /**
     * Adds a sample of the old path and returns the evidence if it completes a verdict.
     *
     * @param failed       whether the call failed
     * @param latencyNanos how long it took
     * @return the evidence of a regression, or {@code null}
     */
    Evidence recordOld(boolean failed, long latencyNanos) {
        double x = logLatency(latencyNanos);
        oldArm.add(failed, x);
        oldWindow.add(failed, x);
        return evaluate(failed);
    }

    private Evidence evaluate(boolean failed) {
        Evidence evidence = errorRate(newArm, oldArm, logThreshold, true);
        if (evidence == null && !failed) {
            evidence = latency(newArm, oldArm, logThreshold, true);
        }
        // A regression that starts late is diluted in the tests since the start; the window sees it fresh.
        if (evidence == null && window > 1) {
            // With every call on the new path the old window stays empty: compare with the baseline.
            Arm oldForErrors = oldWindow.calls >= minimumSamples ? oldWindow : oldArm;
            evidence = errorRate(newWindow, oldForErrors, windowLogThreshold, true);
            if (evidence == null && !failed) {
                Arm oldForLatency = oldWindow.successes >= minimumSamples ? oldWindow : oldArm;
                evidence = latency(newWindow, oldForLatency, windowLogThreshold, true);
            }
        }
        if (evidence == null && maximumErrorRate < 1) {
            evidence = maximumErrorRate(true);
        }
        if (evidence == null && maximumLatencyNanos > 0) {
            evidence = maximumLatency(true);
        }
        return evidence;
    }

    /** Returns the current log e-value of a criterion, for the gauge; 0 while it has too few samples. */
    double logEvidence(Criterion criterion) {
        Evidence evidence = switch (criterion) {
            case ERROR_RATE -> errorRate(newArm, oldArm, logThreshold, false);
            case LATENCY -> latency(newArm, oldArm, logThreshold, false);
            case MAXIMUM_ERROR_RATE -> maximumErrorRate < 1 ? maximumErrorRate(false) : null;
            case MAXIMUM_LATENCY -> maximumLatencyNanos > 0 ? maximumLatency(false) : null;
        };
        return evidence == null ? 0 : evidence.logEvidence();
    }

    long newSamples() {
        return newArm.calls;
    }

    long oldSamples() {
        return oldArm.calls;
    }

    private Evidence errorRate(Arm newA, Arm oldA, double threshold, boolean verdictOnly) {
        long nNew = newA.calls;
        long nOld = oldA.calls;
        if (nNew < minimumSamples || nOld < minimumSamples) {
            return null;
        }
        double pNew = (double) newA.failures / nNew;
        double pOld = (double) oldA.failures / nOld;
        double d = pNew - pOld - errorTolerance;
        if (verdictOnly && d <= 0) {
            return null;
        }
        double pooled = (double) (newA.failures + oldA.failures) / (nNew + nOld);
        double v = Math.max(pooled * (1 - pooled) * (1.0 / nNew + 1.0 / nOld),
                pNew * (1 - pNew) / nNew + pOld * (1 - pOld) / nOld);
        return decide(Criterion.ERROR_RATE, verdictOnly, threshold, d, v, PROPORTION_SCALES,
                nNew, nOld, pNew, pOld, pNew - pOld, errorTolerance);
    }

    private Evidence latency(Arm newA, Arm oldA, double threshold, boolean verdictOnly) {
        long mNew = newA.successes;
        long mOld = oldA.successes;
        if (mNew < minimumSamples || mOld < minimumSamples) {
            return null;
        }
        double meanNew = newA.meanLog();
        double meanOld = oldA.meanLog();
        double d = meanNew - meanOld - logLatencyTolerance;
        if (verdictOnly && d <= 0) {
            return null;
        }
        double varNew = newA.varianceLog();
        double varOld = oldA.varianceLog();
        double pooled = ((mNew - 1) * varNew + (mOld - 1) * varOld) / (mNew + mOld - 2);
        double v = Math.max(pooled * (1.0 / mNew + 1.0 / mOld), varNew / mNew + varOld / mOld);
        return decide(Criterion.LATENCY, verdictOnly, threshold, d, v, LOG_LATENCY_SCALES, mNew, mOld,
                geometricMeanMillis(meanNew), geometricMeanMillis(meanOld),
                Math.expm1(meanNew - meanOld), Math.expm1(logLatencyTolerance));
    }

    private Evidence maximumErrorRate(boolean verdictOnly) {
        long n = newArm.calls;
        if (n < minimumSamples) {
            return null;
        }
        double p = (double) newArm.failures / n;
        double v = maximumErrorRate * (1 - maximumErrorRate) / n;
        return decide(Criterion.MAXIMUM_ERROR_RATE, verdictOnly, logThreshold, p - maximumErrorRate, v,
                PROPORTION_SCALES,
                n, 0, p, maximumErrorRate, p - maximumErrorRate, 0);
    }

    private Evidence maximumLatency(boolean verdictOnly) {
        long m = newArm.successes;
        if (m < minimumSamples) {
            return null;
        }
        double share = (double) slowCalls / m;
        double v = allowedSlowShare * (1 - allowedSlowShare) / m;
        return decide(Criterion.MAXIMUM_LATENCY, verdictOnly, logThreshold, share - allowedSlowShare, v,
                PROPORTION_SCALES,
                m, 0, share, allowedSlowShare, share - allowedSlowShare, 0);
    }

    private Evidence decide(Criterion criterion, boolean verdictOnly, double threshold, double d, double variance,
                            double[] scales,
                            long nNew, long nOld, double newEstimate, double oldEstimate, double effect,
                            double tolerance) {
        if (verdictOnly && d <= 0) {
            return null;
        }
        double v = Math.max(variance, MIN_VARIANCE);
        double halfZSquared = d * d / (2 * v);
        // Every mixture term is at most 2 exp(z^2 / 2): below the threshold there, no need for exp and log.
        if (verdictOnly && halfZSquared + LN_2 < threshold) {
            return null;
        }
        double logE = d <= 0 ? 0 : logMixture(halfZSquared, v, scales);
        if (verdictOnly && logE < threshold) {
            return null;
        }
        return new Evidence(criterion, nNew, nOld, newEstimate, oldEstimate, effect, tolerance, logE, threshold);
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
    private static double geometricMeanMillis(double meanLog) {
        return (Math.exp(meanLog) - 1) / 1_000.0;
    }

    /** The running counts and log-latency moments of one path. */
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

        double meanLog() {
            return meanLog;
        }

        double varianceLog() {
            return successes < 2 ? 0 : m2Log / (successes - 1);
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
