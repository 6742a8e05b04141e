package dev.rollback.liquibase.internal;

import dev.rollback.liquibase.MigrationMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backfill meters of one {@code ExpandContract}: rows done per table, progress per table, lock
 * retries per table.
 */
public final class BackfillMeters {

    private final MeterRegistry registry;
    /** Progress per table in millionths, so a gauge can read it without boxing a double. */
    private final Map<String, AtomicLong> progress = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters go
     */
    public BackfillMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void rows(String table, long rows) {
        Counter.builder(MigrationMetricNames.BACKFILL_ROWS).description("Rows backfilled by expand/contract migrations")
                .tag("table", table).register(registry).increment(rows);
    }

    void progress(String table, double fraction) {
        progress.computeIfAbsent(table, t -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(MigrationMetricNames.BACKFILL_PROGRESS, holder, h -> h.get() / 1_000_000.0)
                    .description("Progress of the running backfill, 0 to 1").tag("table", t).strongReference(true)
                    .register(registry);
            return holder;
        }).set(Math.round(Math.min(1.0, fraction) * 1_000_000));
    }

    void lockRetry(String table) {
        Counter.builder(MigrationMetricNames.LOCK_RETRIES).description("Migration statements retried after a lock timeout")
                .tag("table", table).register(registry).increment();
    }
}
