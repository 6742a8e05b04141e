package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A concurrent index build on the real PostgreSQL that times out waiting for a transaction running
 * when it started leaves an invalid index behind; the retry must not keep it (its {@code IF NOT EXISTS}
 * would), but drop it and build again. From pgroll's {@code pkg/migrations/op_create_index_test.go}
 * (the index exists and is valid after start) and {@code pkg/roll/execute_test.go}
 * ("TestMigrationDDLIsRetriedOnLockTimeouts").
 */
class IndexBuildTest {

    @Test
    void anIndexBuildThatTimedOutIsBuiltAgainNotKeptInvalid() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "indexbuild")) {
            db.execute("CREATE TABLE customer (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200),"
                    + " amount INTEGER)");
            // a rebuild waits for every older transaction of the database, also other tests' on a shared server
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "scenarios/create-index.yaml")
                    .lockTimeout(Duration.ofMillis(300)).lockRetries(200).build();
            try (Connection holder = db.dataSource().getConnection(); Statement statement = holder.createStatement()) {
                holder.setAutoCommit(false);
                // a write in progress: the build waits for it, and times out
                statement.execute("INSERT INTO customer (id, name) VALUES (1, 'n')");
                CompletableFuture<Void> expand = CompletableFuture.runAsync(migrations::expand);
                while (db.count("SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE n.nspname = '" + db.schema() + "' AND c.relname = 'idx_customer_email'"
                        + " AND NOT i.indisvalid") == 0 && !expand.isDone()) {
                    Thread.onSpinWait();
                }
                // the build waits for the write until it times out; the write ends after that
                String first = null;
                while (first == null && !expand.isDone()) {
                    first = waitingBuild(db);
                }
                while (first != null && first.equals(waitingBuild(db)) && !expand.isDone()) {
                    Thread.onSpinWait();
                }
                holder.commit();
                expand.get();
            }
            assertThat(db.count("SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = '" + db.schema() + "' AND c.relname = 'idx_customer_email'"
                    + " AND i.indisvalid")).as("a valid index after expand").isOne();
        }
    }

    /** When the index build now waiting for a lock started, or null if none waits. */
    private static String waitingBuild(TestDatabase db) throws Exception {
        Object started = db.rows("SELECT MAX(query_start)::text FROM pg_stat_activity WHERE query LIKE"
                + " 'CREATE INDEX CONCURRENTLY%idx_customer_email%' AND wait_event_type = 'Lock'").get(0).get(0);
        return started == null ? null : started.toString();
    }
}
