package dev.rollback.liquibase;

import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A JVM of its own that runs one step on PostgreSQL, for the tests that kill it: small backfill
 * batches with a pause, so that a step on a few thousand rows takes a few seconds.
 */
final class MigrationProcess {

    /** Rows per backfill and archive batch. */
    static final int BATCH_SIZE = 200;

    private MigrationProcess() {
    }

    /**
     * Runs the step.
     *
     * @param args JDBC URL, user, password, schema, application name, change log, step ({@code expand}, {@code rollback}
     *             or {@code contract})
     */
    public static void main(String[] args) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setPassword(args[2]);
        dataSource.setCurrentSchema(args[3]);
        dataSource.setApplicationName(args[4]);
        ExpandContract migrations = ExpandContract.builder(dataSource, args[5]).bakeTime(Duration.ZERO)
                .backfillBatchSize(BATCH_SIZE).backfillPause(Duration.ofMillis(20)).build();
        switch (args[6]) {
            case "expand" -> migrations.expand();
            case "rollback" -> migrations.rollback();
            case "contract" -> migrations.contract();
            default -> throw new IllegalArgumentException("unknown step " + args[6]);
        }
    }
}
