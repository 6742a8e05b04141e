package dev.rollback.agent.config;

import java.time.Duration;

/**
 * How reverts are throttled across the fleet.
 *
 * @param maxInFlight the most reverts running at once, over all services; default
 *                    {@value #DEFAULT_MAX_IN_FLIGHT}
 * @param cooldown    how long after a revert of a service ends before another may start, so that a
 *                    service cannot flap; default {@link #DEFAULT_COOLDOWN}; a service may set its own
 */
public record ThrottleConfig(int maxInFlight, Duration cooldown) {

    /** Default {@link #maxInFlight()}. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** Default {@link #cooldown()}: ten minutes. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);
    /** The defaults. */
    public static final ThrottleConfig DEFAULTS = new ThrottleConfig(DEFAULT_MAX_IN_FLIGHT, DEFAULT_COOLDOWN);

    /**
     * Checks the values.
     */
    public ThrottleConfig {
        ConfigChecks.requireAtLeast("throttle.maxInFlight", maxInFlight, 1);
        ConfigChecks.requireNotNegative("throttle.cooldown", cooldown);
    }
}
