package dev.rollback.core.guard;

import static dev.rollback.core.check.Arguments.requirePositive;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a {@link ReleaseGuard} runs and judges its feature. Immutable; create with {@link #custom()},
 * {@link #from(GuardConfig)} or {@link #ofDefaults()}.
 *
 * <p>Every builder method checks its argument at once and throws {@link IllegalArgumentException}
 * naming the bad value.
 *
 * <p>Two configurations are equal when every setting is: the numbers and durations by value,
 * {@link #fallbackOn()} by the predicate's own {@code equals} (the one made by
 * {@link Builder#fallbackOn(Class[])} compares its types), and {@link #circuitBreakerConfig()} by
 * every setting Resilience4j exposes as a value (its predicates and functions, which Resilience4j
 * makes anew on each build, are left out).
 */
public final class GuardConfig {

    /** Default {@link #significanceLevel()}: 0.01. */
    public static final double DEFAULT_SIGNIFICANCE_LEVEL = 0.01;
    /** Default {@link #errorRateTolerance()}: 0.001, a tenth of a percentage point. */
    public static final double DEFAULT_ERROR_RATE_TOLERANCE = 0.001;
    /** Default {@link #latencyTolerance()}: 0.10, ten percent slower. */
    public static final double DEFAULT_LATENCY_TOLERANCE = 0.10;
    /** Default {@link #latencyResolution()}: one millisecond. */
    public static final Duration DEFAULT_LATENCY_RESOLUTION = Duration.ofMillis(1);
    /** Default {@link #minimumSamples()}: 20. */
    public static final int DEFAULT_MINIMUM_SAMPLES = 20;
    /** Default {@link #maximumErrorRate()}: 1.0, which means no limit. */
    public static final double DEFAULT_MAXIMUM_ERROR_RATE = 1.0;
    /** Default {@link #maximumLatency()}: zero, which means no limit. */
    public static final Duration DEFAULT_MAXIMUM_LATENCY = Duration.ZERO;
    /** Default {@link #maximumLatencyQuantile()}: 0.99. */
    public static final double DEFAULT_MAXIMUM_LATENCY_QUANTILE = 0.99;
    /** Default {@link #holdback()}: 0 percent, no holdback. */
    public static final double DEFAULT_HOLDBACK = 0;
    /** Default {@link #flagErrorLogInterval()}: one minute. */
    public static final Duration DEFAULT_FLAG_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);
    /** Default {@link #fallbackOn()}: any {@link RuntimeException}. */
    public static final Predicate<Throwable> DEFAULT_FALLBACK_ON = new InstanceOf(List.of(RuntimeException.class));
    /**
     * Default {@link #circuitBreakerConfig()}: opens at a 50% failure rate over the last 50 calls (at
     * least 20), stays open 30 seconds, then lets 5 calls try. It never moves from open to half-open
     * by itself (that would need a thread); the next call after the wait does.
     */
    public static final CircuitBreakerConfig DEFAULT_CIRCUIT_BREAKER_CONFIG = CircuitBreakerConfig.custom()
            .failureRateThreshold(50)
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(50)
            .minimumNumberOfCalls(20)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedNumberOfCallsInHalfOpenState(5)
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .build();

    private static final GuardConfig DEFAULTS = new Builder().build();

    private final double significanceLevel;
    private final double errorRateTolerance;
    private final double latencyTolerance;
    private final Duration latencyResolution;
    private final int minimumSamples;
    private final double maximumErrorRate;
    private final Duration maximumLatency;
    private final double maximumLatencyQuantile;
    private final double holdback;
    private final Duration flagErrorLogInterval;
    private final Predicate<Throwable> fallbackOn;
    private final CircuitBreakerConfig circuitBreakerConfig;

    private GuardConfig(Builder b) {
        this.significanceLevel = b.significanceLevel;
        this.errorRateTolerance = b.errorRateTolerance;
        this.latencyTolerance = b.latencyTolerance;
        this.latencyResolution = b.latencyResolution;
        this.minimumSamples = b.minimumSamples;
        this.maximumErrorRate = b.maximumErrorRate;
        this.maximumLatency = b.maximumLatency;
        this.maximumLatencyQuantile = b.maximumLatencyQuantile;
        this.holdback = b.holdback;
        this.flagErrorLogInterval = b.flagErrorLogInterval;
        this.fallbackOn = b.fallbackOn;
        this.circuitBreakerConfig = b.circuitBreakerConfig;
    }

    /**
     * Returns the default configuration.
     *
     * @return the defaults
     */
    public static GuardConfig ofDefaults() {
        return DEFAULTS;
    }

    /**
     * Returns a builder that starts from the defaults.
     *
     * @return a builder
     */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Returns a builder that starts from {@code base}.
     *
     * @param base the configuration to copy
     * @return a builder
     */
    public static Builder from(GuardConfig base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /**
     * The bound on the chance that the judge's comparisons (error rate and latency together) roll back
     * a feature whose new path is no worse than the old path running at the same time, over the whole
     * rollout however long it runs and whatever hits both paths alike: two thirds for the error rate,
     * one third for latency; of each, 90% for the test on all samples and 10% for the tests on
     * windows of recent samples. Each configured maximum test spends two thirds of it on its own.
     *
     * @return alpha, in (0, 0.5]
     */
    public double significanceLevel() {
        return significanceLevel;
    }

    /**
     * How many percentage points (as a fraction: 0.001 is 0.1 pp) the new path's error rate may exceed
     * the old path's before it counts as a regression. For paired samples the judge tests "no worse"
     * exactly and rolls back only when, in addition, the paired error rates differ by more than this.
     *
     * @return the tolerance, in [0, 1)
     */
    public double errorRateTolerance() {
        return errorRateTolerance;
    }

    /**
     * How much slower (as a fraction: 0.10 is 10%) the new path's typical latency (the geometric mean
     * of successful calls, the median for log-normal latency, each plus the
     * {@linkplain #latencyResolution() resolution}) may be before it counts as a regression.
     *
     * @return the tolerance, in [0, 10]
     */
    public double latencyTolerance() {
        return latencyTolerance;
    }

    /**
     * The latency below which differences are noise, not regressions: the judge compares
     * {@code latency + resolution}, so a new path must be {@link #latencyTolerance()} slower on that
     * sum. This keeps sub-millisecond jitter (JIT, scheduling) from counting as a regression of a
     * fast call, and barely changes the comparison of calls that take many milliseconds.
     *
     * @return a duration, zero or positive
     */
    public Duration latencyResolution() {
        return latencyResolution;
    }

    /**
     * How many samples the judge's normal-approximation tests need before they compare: pairs of
     * successful calls for the latency test, samples of each side for the comparison with the
     * pre-rollout baseline, new-path samples for the maximum tests. The paired error-rate test is
     * exact and needs none.
     *
     * @return at least 1
     */
    public int minimumSamples() {
        return minimumSamples;
    }

    /**
     * The highest error rate the new path may have whatever the old path does; 1.0 means no limit.
     * The judge decides it with the same sequential test, so a few unlucky calls do not trip it.
     *
     * @return the limit, in (0, 1]
     */
    public double maximumErrorRate() {
        return maximumErrorRate;
    }

    /**
     * The latency that the new path's {@link #maximumLatencyQuantile()} quantile may not exceed;
     * zero means no limit.
     *
     * @return the limit, zero or positive
     */
    public Duration maximumLatency() {
        return maximumLatency;
    }

    /**
     * The quantile that {@link #maximumLatency()} limits, e.g. 0.99 for the 99th percentile.
     *
     * @return the quantile, in (0, 1)
     */
    public double maximumLatencyQuantile() {
        return maximumLatencyQuantile;
    }

    /**
     * The percentage of stickiness keys (and of calls without a key) that stay on the old path whatever
     * the flag says, as the judge's concurrent control. It matters once the rollout reaches 100%: then,
     * with a holdback, the judge still compares the new path with the old path running at the same
     * time, so a system-wide shift (a slow database, a shared outage) cannot cause a false rollback.
     * With 0 the judge compares a 100% rollout with the old path's samples from before the rollout
     * (the baseline), the health report and the evidence say so, and a system-wide shift since then
     * can cause a false rollback. Below 100% the held back keys are simply not among those the flag
     * turns on.
     *
     * @return a percentage, in [0, 50]
     */
    public double holdback() {
        return holdback;
    }

    /**
     * How often, at most, a failing flag source is logged; calls in between take the old path
     * silently.
     *
     * @return a positive duration
     */
    public Duration flagErrorLogInterval() {
        return flagErrorLogInterval;
    }

    /**
     * Which exceptions of the new path count as failures that the old path answers. Others reach the
     * caller untouched and are not judged.
     *
     * @return the predicate
     */
    public Predicate<Throwable> fallbackOn() {
        return fallbackOn;
    }

    /**
     * The Resilience4j circuit breaker configuration for the new path. The registry replaces its
     * clock with the meter registry's, so that the breaker runs in the same (possibly virtual) time.
     *
     * @return the configuration
     */
    public CircuitBreakerConfig circuitBreakerConfig() {
        return circuitBreakerConfig;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuardConfig other && settings().equals(other.settings());
    }

    @Override
    public int hashCode() {
        return settings().hashCode();
    }

    @Override
    public String toString() {
        return "GuardConfig{significanceLevel=" + significanceLevel
                + ", errorRateTolerance=" + errorRateTolerance
                + ", latencyTolerance=" + latencyTolerance
                + ", latencyResolution=" + latencyResolution
                + ", minimumSamples=" + minimumSamples
                + ", maximumErrorRate=" + maximumErrorRate
                + ", maximumLatency=" + maximumLatency
                + ", maximumLatencyQuantile=" + maximumLatencyQuantile
                + ", holdback=" + holdback
                + ", flagErrorLogInterval=" + flagErrorLogInterval
                + ", fallbackOn=" + fallbackOn
                + ", circuitBreakerConfig=" + breakerSettings(circuitBreakerConfig) + '}';
    }

    /** Every setting, in one list, so that equals and hashCode cannot miss one. */
    private List<Object> settings() {
        return List.of(significanceLevel, errorRateTolerance, latencyTolerance, latencyResolution, minimumSamples,
                maximumErrorRate, maximumLatency, maximumLatencyQuantile, holdback,
                flagErrorLogInterval, fallbackOn, breakerSettings(circuitBreakerConfig));
    }

    /**
     * The breaker's settings that are values; the wait in the open state as the wait after the first
     * opening, since Resilience4j keeps it as a function.
     */
    private static List<Object> breakerSettings(CircuitBreakerConfig c) {
        return List.of(c.getFailureRateThreshold(), c.getSlowCallRateThreshold(), c.getSlowCallDurationThreshold(),
                c.getSlidingWindowType(), c.getSlidingWindowSize(), c.getMinimumNumberOfCalls(),
                c.getWaitIntervalFunctionInOpenState().apply(1), c.getPermittedNumberOfCallsInHalfOpenState(),
                c.getMaxWaitDurationInHalfOpenState(), c.isAutomaticTransitionFromOpenToHalfOpenEnabled(),
                c.getTransitionToStateAfterWaitDuration(), c.getInitialState(),
                c.getSlidingWindowSynchronizationStrategy(), c.isWritableStackTraceEnabled(),
                c.isIgnoreExceptionsPrecedenceEnabled());
    }

    /** Accepts instances of any of some exception types; equal when the types are. */
    private record InstanceOf(List<Class<?>> types) implements Predicate<Throwable> {

        @Override
        public boolean test(Throwable t) {
            for (Class<?> type : types) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "instances of " + types.stream().map(Class::getName).toList();
        }
    }

    /**
     * Builds a {@link GuardConfig}. Not thread-safe.
     */
    public static final class Builder {

        private double significanceLevel = DEFAULT_SIGNIFICANCE_LEVEL;
        private double errorRateTolerance = DEFAULT_ERROR_RATE_TOLERANCE;
        private double latencyTolerance = DEFAULT_LATENCY_TOLERANCE;
        private Duration latencyResolution = DEFAULT_LATENCY_RESOLUTION;
        private int minimumSamples = DEFAULT_MINIMUM_SAMPLES;
        private double maximumErrorRate = DEFAULT_MAXIMUM_ERROR_RATE;
        private Duration maximumLatency = DEFAULT_MAXIMUM_LATENCY;
        private double maximumLatencyQuantile = DEFAULT_MAXIMUM_LATENCY_QUANTILE;
        private double holdback = DEFAULT_HOLDBACK;
        private Duration flagErrorLogInterval = DEFAULT_FLAG_ERROR_LOG_INTERVAL;
        private Predicate<Throwable> fallbackOn = DEFAULT_FALLBACK_ON;
        private CircuitBreakerConfig circuitBreakerConfig = DEFAULT_CIRCUIT_BREAKER_CONFIG;

        private Builder() {
        }

        private Builder(GuardConfig base) {
            this.significanceLevel = base.significanceLevel;
            this.errorRateTolerance = base.errorRateTolerance;
            this.latencyTolerance = base.latencyTolerance;
            this.latencyResolution = base.latencyResolution;
            this.minimumSamples = base.minimumSamples;
            this.maximumErrorRate = base.maximumErrorRate;
            this.maximumLatency = base.maximumLatency;
            this.maximumLatencyQuantile = base.maximumLatencyQuantile;
            this.holdback = base.holdback;
            this.flagErrorLogInterval = base.flagErrorLogInterval;
            this.fallbackOn = base.fallbackOn;
            this.circuitBreakerConfig = base.circuitBreakerConfig;
        }

        /**
         * Sets {@link GuardConfig#significanceLevel()}. Default 0.01.
         *
         * @param alpha in (0, 0.5]
         * @return this builder
         */
        public Builder significanceLevel(double alpha) {
            if (!(alpha > 0 && alpha <= 0.5)) {
                throw new IllegalArgumentException("significanceLevel must be in (0, 0.5], was " + alpha);
            }
            this.significanceLevel = alpha;
            return this;
        }

        /**
         * Sets {@link GuardConfig#errorRateTolerance()}. Default 0.001.
         *
         * @param tolerance a fraction in [0, 1)
         * @return this builder
         */
        public Builder errorRateTolerance(double tolerance) {
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new IllegalArgumentException("errorRateTolerance must be in [0, 1), was " + tolerance);
            }
            this.errorRateTolerance = tolerance;
            return this;
        }

        /**
         * Sets {@link GuardConfig#latencyTolerance()}. Default 0.10.
         *
         * @param tolerance a fraction in [0, 10]
         * @return this builder
         */
        public Builder latencyTolerance(double tolerance) {
            if (!(tolerance >= 0 && tolerance <= 10)) {
                throw new IllegalArgumentException("latencyTolerance must be in [0, 10], was " + tolerance);
            }
            this.latencyTolerance = tolerance;
            return this;
        }

        /**
         * Sets {@link GuardConfig#latencyResolution()}. Default one millisecond.
         *
         * @param resolution zero or positive
         * @return this builder
         */
        public Builder latencyResolution(Duration resolution) {
            if (resolution == null || resolution.isNegative()) {
                throw new IllegalArgumentException("latencyResolution must be zero or positive, was " + resolution);
            }
            this.latencyResolution = resolution;
            return this;
        }

        /**
         * Sets {@link GuardConfig#minimumSamples()}. Default 20.
         *
         * @param samples at least 1
         * @return this builder
         */
        public Builder minimumSamples(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("minimumSamples must be at least 1, was " + samples);
            }
            this.minimumSamples = samples;
            return this;
        }

        /**
         * Sets {@link GuardConfig#maximumErrorRate()}. Default 1.0 (no limit).
         *
         * @param rate a fraction in (0, 1]
         * @return this builder
         */
        public Builder maximumErrorRate(double rate) {
            if (!(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("maximumErrorRate must be in (0, 1], was " + rate);
            }
            this.maximumErrorRate = rate;
            return this;
        }

        /**
         * Sets {@link GuardConfig#maximumLatency()} and {@link GuardConfig#maximumLatencyQuantile()}.
         * Default no limit, quantile 0.99.
         *
         * @param latency  zero for no limit, or positive
         * @param quantile in (0, 1)
         * @return this builder
         */
        public Builder maximumLatency(Duration latency, double quantile) {
            Objects.requireNonNull(latency, "maximumLatency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("maximumLatency must not be negative, was " + latency);
            }
            if (!(quantile > 0 && quantile < 1)) {
                throw new IllegalArgumentException("maximumLatencyQuantile must be in (0, 1), was " + quantile);
            }
            this.maximumLatency = latency;
            this.maximumLatencyQuantile = quantile;
            return this;
        }

        /**
         * Sets {@link GuardConfig#holdback()}. Default 0 (no holdback: a 100% rollout is judged against
         * the pre-rollout baseline).
         *
         * @param percent a percentage in [0, 50]
         * @return this builder
         */
        public Builder holdback(double percent) {
            if (!(percent >= 0 && percent <= 50)) {
                throw new IllegalArgumentException("holdback must be a percentage in [0, 50], was " + percent);
            }
            this.holdback = percent;
            return this;
        }

        /**
         * Sets {@link GuardConfig#flagErrorLogInterval()}. Default one minute.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder flagErrorLogInterval(Duration interval) {
            this.flagErrorLogInterval = requirePositive("flagErrorLogInterval", interval);
            return this;
        }

        /**
         * Sets {@link GuardConfig#fallbackOn()}. Default: any {@link RuntimeException}.
         *
         * @param predicate which exceptions of the new path the old path answers
         * @return this builder
         */
        public Builder fallbackOn(Predicate<Throwable> predicate) {
            this.fallbackOn = Objects.requireNonNull(predicate, "fallbackOn");
            return this;
        }

        /**
         * Sets {@link GuardConfig#fallbackOn()} to accept instances of any of the given types.
         *
         * @param types the exception types, at least one
         * @return this builder
         */
        @SafeVarargs
        @SuppressWarnings("varargs") // the array is copied and only read
        public final Builder fallbackOn(Class<? extends Throwable>... types) {
            Class<?>[] copy = types == null ? new Class<?>[0] : types.clone();
            if (copy.length == 0 || Arrays.stream(copy).anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("fallbackOn needs at least one exception type and no null, was "
                        + (types == null ? "null" : Arrays.toString(copy)));
            }
            this.fallbackOn = new InstanceOf(List.of(copy));
            return this;
        }

        /**
         * Sets {@link GuardConfig#circuitBreakerConfig()}. Default {@link #DEFAULT_CIRCUIT_BREAKER_CONFIG}.
         *
         * @param config the breaker configuration
         * @return this builder
         */
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
            this.circuitBreakerConfig = Objects.requireNonNull(config, "circuitBreakerConfig");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         */
        public GuardConfig build() {
            return new GuardConfig(this);
        }
    }
}
