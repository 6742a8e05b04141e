package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code CREATE INDEX CONCURRENTLY} on the real PostgreSQL waits for every transaction that writes
 * the table; one that outlasts the lock timeout makes the build fail and leave an invalid index. The
 * retried build must not take that index for done. From pgroll's {@code pkg/migrations/op_create_index_test.go}
 * (the index exists and is valid after start) and {@code pkg/roll/execute_test.go}
 * ({@code TestMigrationDDLIsRetriedOnLockTimeouts}).
 */
class ConcurrentIndexTest {

    @Test
    void aConcurrentBuildThatRanIntoTheLockTimeoutIsNotTakenForDone() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "index_retry")) {
            db.execute("CREATE TABLE customer (id BIGINT PRIMARY KEY, email VARCHAR(200))",
                    "INSERT INTO customer VALUES (1, 'ada@example.org')");
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "scenarios/create-index.yaml")
                    .lockTimeout(Duration.ofMillis(200)).lockRetries(1).build();
            try (Connection holder = db.dataSource().getConnection()) {
                holder.setAutoCommit(false);
                try (Statement statement = holder.createStatement()) {
                    statement.executeUpdate("UPDATE customer SET email = email WHERE id = 1");
                }
                assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                        .hasMessageContaining("create-index.yaml::create-index::test");
                holder.rollback();
            }
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.EXPANDING);

            migrations.expand();
            assertThat(db.count("SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + db.schema()
                    + "' AND c.relname = 'idx_customer_email' AND i.indisvalid")).as("a valid index").isEqualTo(1);
        }
    }
}
