package dev.rollback.core.judge;

import java.util.Locale;
import java.util.Objects;

/**
 * What a test saw when it reached its verdict: the estimates of both paths, the effect, and the test
 * statistic against its threshold.
 *
 * <p>For {@link Criterion#ERROR_RATE} and the maximum tests the estimates are proportions (0 to 1); for
 * {@link Criterion#LATENCY} they are geometric means, in milliseconds, of each call's latency plus the
 * guard's {@code latencyResolution} (the scale on which the judge compares), and the effect is their
 * ratio minus one. For the maximum tests the old estimate is the configured limit.
 *
 * @param criterion         which criterion reached the verdict
 * @param newSamples        samples of the new path the test used (all, or the current window's); for a
 *                          comparison with a concurrent control, the pairs (for latency, of successes)
 * @param oldSamples        samples of the old path the test used: the pairs again, the baseline's samples
 *                          without a concurrent control, 0 for the maximum tests
 * @param newEstimate       the new path's estimate
 * @param oldEstimate       the old path's estimate, or the limit
 * @param effect            how much worse the new path is: difference of proportions, or relative latency
 * @param tolerance         how much worse it may be before it counts as a regression
 * @param logEvidence       the natural log of the test's e-value at the verdict
 * @param logThreshold      the log e-value at which the test decides: {@code ln(1 / (0.6 alpha))} on all
 *                          samples, higher on a later window (see the package documentation)
 * @param concurrent        whether the old path's samples ran in the same periods as the new path's
 *                          (paired); {@code false} when there was no concurrent control and the new path
 *                          was compared with the old path's samples from before the rollout (the baseline)
 */
public record Evidence(Criterion criterion, long newSamples, long oldSamples, double newEstimate, double oldEstimate,
                       double effect, double tolerance, double logEvidence, double logThreshold, boolean concurrent) {

    /**
     * What {@link #summary()} adds when there was no concurrent control.
     */
    public static final String NO_CONCURRENT_CONTROL =
            " (no concurrent control: against the pre-rollout baseline)";

    /**
     * Checks the criterion is given.
     */
    public Evidence {
        Objects.requireNonNull(criterion, "criterion");
    }

    /**
     * Returns the evidence in one line a person can read, e.g. {@code error rate 5.10% (n=235) vs 0.10%
     * (n=240): +5.00 pp, tolerance 0.10 pp, log e-value 6.1 >= 5.3}.
     *
     * @return the summary
     */
    public String summary() {
        String text = switch (criterion) {
            case ERROR_RATE -> String.format(Locale.ROOT,
                    "error rate %.2f%% (n=%d) vs %.2f%% (n=%d): %+.2f pp, tolerance %.2f pp, log e-value %.1f >= %.1f",
                    100 * newEstimate, newSamples, 100 * oldEstimate, oldSamples, 100 * effect, 100 * tolerance,
                    logEvidence, logThreshold);
            case LATENCY -> String.format(Locale.ROOT,
                    "latency+resolution %.3f ms (n=%d) vs %.3f ms (n=%d): %+.1f%%, tolerance %.1f%%, log e-value %.1f >= %.1f",
                    newEstimate, newSamples, oldEstimate, oldSamples, 100 * effect, 100 * tolerance,
                    logEvidence, logThreshold);
            case MAXIMUM_ERROR_RATE -> String.format(Locale.ROOT,
                    "error rate %.2f%% (n=%d) above the maximum %.2f%%, log e-value %.1f >= %.1f",
                    100 * newEstimate, newSamples, 100 * oldEstimate, logEvidence, logThreshold);
            case MAXIMUM_LATENCY -> String.format(Locale.ROOT,
                    "%.2f%% of calls (n=%d) slower than the maximum latency, allowed %.2f%%, log e-value %.1f >= %.1f",
                    100 * newEstimate, newSamples, 100 * oldEstimate, logEvidence, logThreshold);
        };
        return concurrent ? text : text + NO_CONCURRENT_CONTROL;
    }

    @Override
    public String toString() {
        return summary();
    }
}
