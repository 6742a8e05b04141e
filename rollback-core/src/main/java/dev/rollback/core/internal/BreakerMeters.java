package dev.rollback.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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
 *
 * <p>The names are {@code resilience4j-micrometer}'s defaults ({@code CircuitBreakerMetricNames}),
 * written here so that the core does not pull that module (and with it Resilience4j's bulkhead, retry,
 * rate limiter and time limiter) onto its users' class path for five strings.
 */
final class BreakerMeters {

    /** Gauge per state, 1 for the breaker's current state. */
    static final String STATE = "resilience4j.circuitbreaker.state";
    /** Gauges of the calls in the sliding window, tag {@code kind} successful or failed. */
    static final String BUFFERED_CALLS = "resilience4j.circuitbreaker.buffered.calls";
    /** Gauge of the failure rate in percent, -1 until the window holds the minimum number of calls. */
    static final String FAILURE_RATE = "resilience4j.circuitbreaker.failure.rate";
    /** Gauge of the slow call rate in percent, -1 until the window holds the minimum number of calls. */
    static final String SLOW_CALL_RATE = "resilience4j.circuitbreaker.slow.call.rate";
    /** Counter of the calls the open breaker refused. */
    static final String NOT_PERMITTED_CALLS = "resilience4j.circuitbreaker.not.permitted.calls";

    private BreakerMeters() {
    }

    /** Registers the breaker's meters and returns them, for removal. */
    static List<Meter> register(CircuitBreaker breaker, MeterRegistry meters) {
        String name = breaker.getName();
        List<Meter> registered = new ArrayList<>();
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            registered.add(Gauge.builder(STATE, breaker, b -> b.getState() == state ? 1 : 0)
                    .description("The states of the circuit breaker")
                    .tag("name", name).tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(meters));
        }
        registered.add(Gauge.builder(BUFFERED_CALLS, breaker,
                        b -> b.getMetrics().getNumberOfSuccessfulCalls())
                .description("The number of buffered successful calls stored in the ring buffer")
                .tag("name", name).tag("kind", "successful")
                .register(meters));
        registered.add(Gauge.builder(BUFFERED_CALLS, breaker,
                        b -> b.getMetrics().getNumberOfFailedCalls())
                .description("The number of buffered failed calls stored in the ring buffer")
                .tag("name", name).tag("kind", "failed")
                .register(meters));
        registered.add(Gauge.builder(FAILURE_RATE, breaker, b -> b.getMetrics().getFailureRate())
                .description("The failure rate of the circuit breaker")
                .tag("name", name)
                .register(meters));
        registered.add(Gauge.builder(SLOW_CALL_RATE, breaker,
                        b -> b.getMetrics().getSlowCallRate())
                .description("The slow call rate of the circuit breaker")
                .tag("name", name)
                .register(meters));
        registered.add(FunctionCounter.builder(NOT_PERMITTED_CALLS, breaker,
                        b -> b.getMetrics().getNumberOfNotPermittedCalls())
                .description("Total number of not permitted calls")
                .tag("name", name).tag("kind", "not_permitted")
                .register(meters));
        return registered;
    }
}
