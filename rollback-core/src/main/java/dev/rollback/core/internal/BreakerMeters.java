package dev.rollback.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.micrometer.tagged.CircuitBreakerMetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A circuit breaker's meters, under Resilience4j's own names and tags, read from the breaker's
 * metrics when scraped. Resilience4j's binders would instead subscribe to the breaker's events, which
 * makes it allocate an event on every call; the calls themselves are already timed by
 * {@code rollback.calls}.
 */
final class BreakerMeters {

    private static final CircuitBreakerMetricNames NAMES = CircuitBreakerMetricNames.ofDefaults();

    private BreakerMeters() {
    }

    /** Registers the breaker's meters and returns them, for removal. */
    static List<Meter> register(CircuitBreaker breaker, MeterRegistry meters) {
        String name = breaker.getName();
        List<Meter> registered = new ArrayList<>();
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            registered.add(Gauge.builder(NAMES.getStateMetricName(), breaker, b -> b.getState() == state ? 1 : 0)
                    .description("The states of the circuit breaker")
                    .tag("name", name).tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(meters));
        }
        registered.add(Gauge.builder(NAMES.getBufferedCallsMetricName(), breaker,
                        b -> b.getMetrics().getNumberOfSuccessfulCalls())
                .description("The number of buffered successful calls stored in the ring buffer")
                .tag("name", name).tag("kind", "successful")
                .register(meters));
        registered.add(Gauge.builder(NAMES.getBufferedCallsMetricName(), breaker,
                        b -> b.getMetrics().getNumberOfFailedCalls())
                .description("The number of buffered failed calls stored in the ring buffer")
                .tag("name", name).tag("kind", "failed")
                .register(meters));
        registered.add(Gauge.builder(NAMES.getFailureRateMetricName(), breaker, b -> b.getMetrics().getFailureRate())
                .description("The failure rate of the circuit breaker")
                .tag("name", name)
                .register(meters));
        registered.add(Gauge.builder(NAMES.getSlowCallRateMetricName(), breaker,
                        b -> b.getMetrics().getSlowCallRate())
                .description("The slow call rate of the circuit breaker")
                .tag("name", name)
                .register(meters));
        registered.add(FunctionCounter.builder(NAMES.getNotPermittedCallsMetricName(), breaker,
                        b -> b.getMetrics().getNumberOfNotPermittedCalls())
                .description("Total number of not permitted calls")
                .tag("name", name).tag("kind", "not_permitted")
                .register(meters));
        return registered;
    }
}
