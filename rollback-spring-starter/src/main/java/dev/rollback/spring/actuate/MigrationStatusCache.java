package dev.rollback.spring.actuate;

import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema migrations' status as the {@code rollback} endpoint reports it, read from the database
 * on a thread of its own, at start and then every refresh interval, never on the request path: a
 * database that is down or slow never holds up the report, which says how old the status is
 * instead. Contract and rollback go to the migrations on the caller's thread, as they must, and
 * the status is read again right after.
 *
 * <p>{@link #close()} stops the thread.
 */
public final class MigrationStatusCache implements AutoCloseable {

    /** The default refresh interval. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(MigrationStatusCache.class);

    private final RollbackMigrations migrations;
    private final Clock clock;
    private final ScheduledExecutorService reader;
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile Snapshot snapshot = new Snapshot(List.of(), null, "not read yet");

    /** The last status read, when, and why the last read failed if it did. */
    private record Snapshot(List<Map<String, Object>> status, @Nullable Instant readAt, @Nullable String error) {
    }

    /**
     * Creates the cache and starts reading.
     *
     * @param migrations      the migrations
     * @param refreshInterval how often the status is read, positive
     * @param clock           for the time of each read
     * @throws IllegalArgumentException if the interval is not positive
     */
    public MigrationStatusCache(RollbackMigrations migrations, Duration refreshInterval, Clock clock) {
        this.migrations = Objects.requireNonNull(migrations, "migrations");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (refreshInterval == null || refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("migration status refresh must be a positive duration, was "
                    + refreshInterval);
        }
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rollback-migration-status");
            thread.setDaemon(true);
            return thread;
        });
        reader.scheduleWithFixedDelay(this::read, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Returns the last status read; empty before the first read.
     *
     * @return the migrations and their phases, as JSON-ready maps
     */
    public List<Map<String, Object>> status() {
        return snapshot.status();
    }

    /**
     * Returns how fresh {@link #status()} is, as JSON-ready map: {@code readAt} (ISO-8601, or
     * {@code null} before the first read), {@code ageSeconds} (or {@code null}), and {@code error},
     * why the last read failed, or {@code null} if it succeeded.
     *
     * @return the freshness
     */
    public Map<String, Object> freshness() {
        Snapshot current = snapshot;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("readAt", current.readAt() == null ? null : current.readAt().toString());
        json.put("ageSeconds", current.readAt() == null ? null
                : Duration.between(current.readAt(), now()).toMillis() / 1000.0);
        json.put("error", current.error());
        return json;
    }

    /**
     * Contracts the migrations, then reads their status again.
     *
     * @throws RollbackMigrations.RefusedException if the contract is refused for now
     */
    public void contract() {
        try {
            migrations.contract();
        } finally {
            refresh();
        }
    }

    /** Rolls the migrations back, then reads their status again. */
    public void rollback() {
        try {
            migrations.rollback();
        } finally {
            refresh();
        }
    }

    /** Asks for the status to be read now, off the caller's thread. */
    public void refresh() {
        if (!reader.isShutdown()) {
            reader.execute(this::read);
        }
    }

    private void read() {
        try {
            snapshot = new Snapshot(List.copyOf(migrations.status()), now(), null);
            if (failing.getAndSet(false)) {
                log.info("Reading the schema migrations' status again");
            }
        } catch (RuntimeException e) {
            Snapshot last = snapshot;
            snapshot = new Snapshot(last.status(), last.readAt(), e.toString());
            if (!failing.getAndSet(true)) {
                log.warn("Could not read the schema migrations' status; the rollback endpoint reports the last one"
                        + " read, with its age: {}", e.toString());
            }
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.wallTime());
    }

    /** Stops reading. */
    @Override
    public void close() {
        reader.shutdownNow();
    }
}
