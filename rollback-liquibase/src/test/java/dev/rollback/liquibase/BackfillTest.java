package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackfillTest {

    @Test
    void backfillsInBatchesAndReportsProgress() throws Exception {
        try (TestDatabase db = TestDatabase.open("h2", "backfill")) {
            Scenario scenario = new Scenarios.RenameColumn();
            db.execute(scenario.setup().toArray(String[]::new));
            try (Connection connection = db.dataSource().getConnection()) {
                for (long id = 1; id <= 137; id++) {
                    scenario.oldWrite(connection, id);
                }
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();

            ExpandContract.builder(db.dataSource(), "scenarios/rename-column.xml").backfillBatchSize(10)
                    .backfillPause(Duration.ZERO).meterRegistry(registry).build().expand();

            assertThat(registry.get(MigrationMetricNames.BACKFILL_ROWS).tag("table", "customer").counter().count())
                    .isEqualTo(137);
            assertThat(registry.get(MigrationMetricNames.BACKFILL_PROGRESS).tag("table", "customer").gauge().value())
                    .isEqualTo(1.0);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE email_address = email")).isEqualTo(137);
        }
    }
}
