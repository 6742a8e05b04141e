package dev.rollback.liquibase.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * How the steps run: backfill batches, lock timeouts and retries, where metrics go and what time it is.
 *
 * @param backfillBatchSize rows per backfill statement
 * @param backfillPause     pause between backfill batches
 * @param lockTimeout       how long one statement may wait for a lock
 * @param lockRetries       how often a statement that timed out waiting for a lock is tried again
 * @param serviceVersion    the version that expands, recorded with the migration, or null
 * @param meters            the backfill meters
 * @param clock             the time
 */
public record Settings(int backfillBatchSize, Duration backfillPause, Duration lockTimeout, int lockRetries,
                       String serviceVersion, BackfillMeters meters, Clock clock) {

    /** The key under which {@code ExpandContract} puts its settings in Liquibase's scope. */
    public static final String SCOPE_KEY = "dev.rollback.liquibase.settings";

    /**
     * Returns the defaults, used when the change types run from plain Liquibase.
     *
     * @return the defaults
     */
    public static Settings defaults() {
        return new Settings(DEFAULT_BATCH_SIZE, DEFAULT_PAUSE, DEFAULT_LOCK_TIMEOUT, DEFAULT_LOCK_RETRIES, null,
                new BackfillMeters(new SimpleMeterRegistry()), Clock.SYSTEM);
    }

    /**
     * Returns the defaults with the change log parameters that are set: {@code rollback.backfillBatchSize},
     * {@code rollback.backfillPause}, {@code rollback.lockTimeout} (ISO-8601 durations),
     * {@code rollback.lockRetries}, {@code rollback.serviceVersion}; for the change types run from plain Liquibase.
     *
     * @param parameters the change log parameter by name, null if not set
     * @return the settings
     * @throws IllegalArgumentException naming a parameter whose value cannot be read
     */
    public static Settings fromParameters(java.util.function.Function<String, String> parameters) {
        Settings defaults = defaults();
        try {
            return new Settings(
                    integer(parameters, "rollback.backfillBatchSize", defaults.backfillBatchSize()),
                    duration(parameters, "rollback.backfillPause", defaults.backfillPause()),
                    duration(parameters, "rollback.lockTimeout", defaults.lockTimeout()),
                    integer(parameters, "rollback.lockRetries", defaults.lockRetries()),
                    parameters.apply("rollback.serviceVersion"), defaults.meters(), defaults.clock());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a rollback.* change log parameter cannot be read: " + e.getMessage(), e);
        }
    }

    private static int integer(java.util.function.Function<String, String> parameters, String name, int otherwise) {
        String value = parameters.apply(name);
        return value == null ? otherwise : Integer.parseInt(value.strip());
    }

    private static Duration duration(java.util.function.Function<String, String> parameters, String name, Duration otherwise) {
        String value = parameters.apply(name);
        return value == null ? otherwise : Duration.parse(value.strip());
    }

    /** Rows per backfill statement by default. */
    public static final int DEFAULT_BATCH_SIZE = 5_000;
    /** Pause between backfill batches by default. */
    public static final Duration DEFAULT_PAUSE = Duration.ofMillis(5);
    /** How long a statement waits for a lock by default. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(2);
    /** How often a statement is tried again after a lock timeout, by default. */
    public static final int DEFAULT_LOCK_RETRIES = 5;
}
