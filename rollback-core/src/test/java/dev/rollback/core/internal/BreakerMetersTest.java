package dev.rollback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.CircuitBreakerMetricNames;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The breaker's meters keep Resilience4j's own names, which the core no longer reads from Resilience4j. */
class BreakerMetersTest {

    @Test
    void registersTheBreakersMetersUnderResilience4jsDefaultNames() {
        CircuitBreakerMetricNames names = CircuitBreakerMetricNames.ofDefaults();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        BreakerMeters.register(CircuitBreaker.ofDefaults("checkout-v2"), meters);

        assertThat(meters.getMeters()).extracting(m -> m.getId().getName()).containsOnly(
                names.getStateMetricName(), names.getBufferedCallsMetricName(), names.getFailureRateMetricName(),
                names.getSlowCallRateMetricName(), names.getNotPermittedCallsMetricName());
        assertThat(meters.getMeters()).extracting(Meter::getId).allSatisfy(id ->
                assertThat(id.getTag("name")).isEqualTo("checkout-v2"));
    }
}
