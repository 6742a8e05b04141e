package dev.rollback.liquibase;

/**
 * The names of the meters this module registers.
 */
public final class MigrationMetricNames {

    /** Counter of rows backfilled, tagged {@code table}. */
    public static final String BACKFILL_ROWS = "rollback.migration.backfill.rows";
    /** Gauge of the backfill's progress of the table being backfilled, 0 to 1, tagged {@code table}. */
    public static final String BACKFILL_PROGRESS = "rollback.migration.backfill.progress";
    /** Counter of statements retried after a lock timeout, tagged {@code table}. */
    public static final String LOCK_RETRIES = "rollback.migration.lock.retries";

    private MigrationMetricNames() {
    }
}
