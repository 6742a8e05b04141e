package dev.rollback.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardConfigTest {

    @Test
    void startsFromTheDocumentedDefaults() {
        GuardConfig config = GuardConfig.ofDefaults();

        assertThat(config.significanceLevel()).isEqualTo(GuardConfig.DEFAULT_SIGNIFICANCE_LEVEL);
        assertThat(config.errorRateTolerance()).isEqualTo(GuardConfig.DEFAULT_ERROR_RATE_TOLERANCE);
        assertThat(config.latencyTolerance()).isEqualTo(GuardConfig.DEFAULT_LATENCY_TOLERANCE);
        assertThat(config.latencyResolution()).isEqualTo(GuardConfig.DEFAULT_LATENCY_RESOLUTION);
        assertThat(config.minimumSamples()).isEqualTo(GuardConfig.DEFAULT_MINIMUM_SAMPLES);
        assertThat(config.maximumErrorRate()).isEqualTo(GuardConfig.DEFAULT_MAXIMUM_ERROR_RATE);
        assertThat(config.maximumLatency()).isEqualTo(GuardConfig.DEFAULT_MAXIMUM_LATENCY);
        assertThat(config.holdback()).isEqualTo(GuardConfig.DEFAULT_HOLDBACK).isZero();
        assertThat(config.circuitBreakerConfig()).isSameAs(GuardConfig.DEFAULT_CIRCUIT_BREAKER_CONFIG);
        assertThat(config.fallbackOn().test(new IllegalStateException())).isTrue();
        assertThat(config.fallbackOn().test(new Exception())).isFalse();
    }

    @Test
    void copiesEverySettingFromABase() {
        GuardConfig base = GuardConfig.custom().significanceLevel(0.05).latencyTolerance(0.2).minimumSamples(7)
                .maximumLatency(Duration.ofMillis(300), 0.95).holdback(5).build();

        GuardConfig copy = GuardConfig.from(base).build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(base);
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> GuardConfig.custom().significanceLevel(0))
                .hasMessage("significanceLevel must be in (0, 0.5], was 0.0");
        assertThatThrownBy(() -> GuardConfig.custom().significanceLevel(Double.NaN))
                .hasMessage("significanceLevel must be in (0, 0.5], was NaN");
        assertThatThrownBy(() -> GuardConfig.custom().errorRateTolerance(-0.1))
                .hasMessage("errorRateTolerance must be in [0, 1), was -0.1");
        assertThatThrownBy(() -> GuardConfig.custom().latencyTolerance(11))
                .hasMessage("latencyTolerance must be in [0, 10], was 11.0");
        assertThatThrownBy(() -> GuardConfig.custom().latencyResolution(Duration.ofNanos(-1)))
                .hasMessage("latencyResolution must be zero or positive, was PT-0.000000001S");
        assertThatThrownBy(() -> GuardConfig.custom().minimumSamples(0))
                .hasMessage("minimumSamples must be at least 1, was 0");
        assertThatThrownBy(() -> GuardConfig.custom().maximumErrorRate(1.5))
                .hasMessage("maximumErrorRate must be in (0, 1], was 1.5");
        assertThatThrownBy(() -> GuardConfig.custom().maximumLatency(Duration.ofMillis(-1), 0.99))
                .hasMessage("maximumLatency must not be negative, was PT-0.001S");
        assertThatThrownBy(() -> GuardConfig.custom().maximumLatency(Duration.ofMillis(5), 1))
                .hasMessage("maximumLatencyQuantile must be in (0, 1), was 1.0");
        assertThatThrownBy(() -> GuardConfig.custom().holdback(51))
                .hasMessage("holdback must be a percentage in [0, 50], was 51.0");
        assertThatThrownBy(() -> GuardConfig.custom().flagErrorLogInterval(null))
                .hasMessage("flagErrorLogInterval must be a positive duration, was null");
        assertThatThrownBy(() -> GuardConfig.custom().fallbackOn(IllegalStateException.class, null))
                .hasMessage("fallbackOn needs at least one exception type and no null, was "
                        + "[class java.lang.IllegalStateException, null]");
        assertThat(GuardConfig.custom().significanceLevel(0.5).build().significanceLevel()).isEqualTo(0.5);
    }

    @Test
    void fallsBackOnlyOnTheNamedExceptionTypes() {
        GuardConfig config = GuardConfig.custom().fallbackOn(IllegalStateException.class).build();

        assertThat(config.fallbackOn().test(new IllegalStateException())).isTrue();
        assertThat(config.fallbackOn().test(new IllegalArgumentException())).isFalse();
    }

    @Test
    void configsWithTheSameSettingsAreEqualAndHashAlike() {
        GuardConfig one = GuardConfig.custom().minimumSamples(7).holdback(5)
                .fallbackOn(IllegalStateException.class, UnsupportedOperationException.class)
                .circuitBreakerConfig(CircuitBreakerConfig.custom().slidingWindowSize(10).build()).build();
        GuardConfig two = GuardConfig.custom().minimumSamples(7).holdback(5)
                .fallbackOn(IllegalStateException.class, UnsupportedOperationException.class)
                .circuitBreakerConfig(CircuitBreakerConfig.custom().slidingWindowSize(10).build()).build();

        assertThat(one).isEqualTo(two).hasSameHashCodeAs(two).hasToString(two.toString());
        assertThat(GuardConfig.custom().build()).isEqualTo(GuardConfig.ofDefaults());
    }

    @Test
    void configsThatDifferInAnySettingAreNotEqual() {
        GuardConfig base = GuardConfig.ofDefaults();

        assertThat(List.of(
                GuardConfig.from(base).significanceLevel(0.05).build(),
                GuardConfig.from(base).errorRateTolerance(0.01).build(),
                GuardConfig.from(base).latencyTolerance(0.2).build(),
                GuardConfig.from(base).latencyResolution(Duration.ZERO).build(),
                GuardConfig.from(base).minimumSamples(5).build(),
                GuardConfig.from(base).maximumErrorRate(0.5).build(),
                GuardConfig.from(base).maximumLatency(Duration.ofMillis(300), 0.99).build(),
                GuardConfig.from(base).maximumLatency(Duration.ZERO, 0.95).build(),
                GuardConfig.from(base).holdback(5).build(),
                GuardConfig.from(base).flagErrorLogInterval(Duration.ofSeconds(5)).build(),
                GuardConfig.from(base).fallbackOn(IllegalStateException.class).build(),
                GuardConfig.from(base).circuitBreakerConfig(CircuitBreakerConfig.from(
                        GuardConfig.DEFAULT_CIRCUIT_BREAKER_CONFIG).waitDurationInOpenState(Duration.ofSeconds(5))
                        .build()).build()))
                .allSatisfy(changed -> assertThat(changed).isNotEqualTo(base)
                        .doesNotHaveToString(base.toString()));
    }
}
