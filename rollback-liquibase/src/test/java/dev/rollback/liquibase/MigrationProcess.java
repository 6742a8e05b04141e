package dev.rollback.liquibase;

import java.sql.Connection;
import java.time.Duration;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
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
     * @param args JDBC URL, user, password, schema, application name, change log, step ({@code expand}, {@code rollback},
     *             {@code contract}, or {@code update-contract}: Liquibase's own update with {@code rollback.phase=contract},
     *             which holds Liquibase's change log lock while {@code contractExpanded} contracts)
     * @throws Exception if the step fails
     */
    public static void main(String[] args) throws Exception {
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
            case "update-contract" -> {
                try (Connection connection = dataSource.getConnection()) {
                    Database database = DatabaseFactory.getInstance()
                            .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                    Liquibase liquibase = new Liquibase(args[5], new ClassLoaderResourceAccessor(), database);
                    liquibase.setChangeLogParameter("rollback.phase", "contract");
                    liquibase.update(new Contexts(), new LabelExpression());
                }
            }
            default -> throw new IllegalArgumentException("unknown step " + args[6]);
        }
    }
}
