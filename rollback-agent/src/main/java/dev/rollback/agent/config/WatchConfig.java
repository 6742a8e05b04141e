package dev.rollback.agent.config;

import java.time.Duration;

/**
 * How instance health is polled.
 *
 * @param interval    the time between two polls of every instance; default {@link #DEFAULT_INTERVAL}
 * @param timeout     how long one poll of one instance may take; default {@link #DEFAULT_TIMEOUT}
 * @param consecutive how many polls in a row an instance must report {@code ROLLBACK_REQUESTED}
 *                    before it counts; default {@value #DEFAULT_CONSECUTIVE}; a service may set its own
 * @param credential  what the agent sends to read a report, or {@code null} for nothing (the default)
 */
public record WatchConfig(Duration interval, Duration timeout, int consecutive, HealthCredential credential) {

    /** Default {@link #interval()}: ten seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Default {@link #timeout()}: two seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Default {@link #consecutive()}. */
    public static final int DEFAULT_CONSECUTIVE = 3;
    /** The defaults. */
    public static final WatchConfig DEFAULTS = new WatchConfig(DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_CONSECUTIVE);

    /**
     * Polls without a credential.
     *
     * @param interval    the time between two polls
     * @param timeout     how long one poll may take
     * @param consecutive how many polls in a row an instance must ask
     */
    public WatchConfig(Duration interval, Duration timeout, int consecutive) {
        this(interval, timeout, consecutive, null);
    }

    /**
     * Checks the values.
     */
    public WatchConfig {
        ConfigChecks.requirePositive("watch.interval", interval);
        ConfigChecks.requirePositive("watch.timeout", timeout);
        ConfigChecks.requireAtLeast("watch.consecutive", consecutive, 1);
    }
}
