package dev.rollback.core.judge;

/**
 * What the judge checks on every sample; each criterion can reach a verdict on its own.
 */
public enum Criterion {
    /** Error rate of the new path against the old path (concurrent calls, or the baseline). */
    ERROR_RATE,
    /** Latency of the new path's successful calls against the old path's, on the log scale. */
    LATENCY,
    /** Error rate of the new path against {@code GuardConfig#maximumErrorRate()}. */
    MAXIMUM_ERROR_RATE,
    /** Share of new-path calls slower than {@code GuardConfig#maximumLatency()}. */
    MAXIMUM_LATENCY
}
