package dev.rollback.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.DeploymentResult;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.ledger.TestPostgres;
import dev.rollback.core.ledger.VersionStatus;
import dev.rollback.testing.TestPostgresServer;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link LedgerWriter} on a real PostgreSQL ({@link TestPostgres}, schema {@value #SCHEMA}): records
 * the database refuses as data never hold up the records behind them, and what is unwritten at
 * close is counted.
 */
class LedgerWriterPostgresTest {

    private static final String SCHEMA = "rollback_ledger_writer";
    /** Longer than any of these tests takes: a write that waited for a retry would show in the counter. */
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(30);

    private static JdbcRollbackLedger ledger;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private DeploymentRecord deployment;

    @BeforeAll
    static void freshSchema() throws SQLException {
        if (TestPostgresServer.isReachable()) {
            ledger = new JdbcRollbackLedger(TestPostgres.freshSchema(SCHEMA));
            ledger.createSchema();
        }
    }

    @BeforeEach
    void recordDeployment() {
        TestPostgresServer.assumeReachable();
        Instant now = Instant.parse("2026-12-06T01:00:00Z");
        MicroserviceVersion version = MicroserviceVersion.of("checkout-" + UUID.randomUUID(), "1.0.0", now,
                VersionStatus.DEPLOYED);
        ledger.recordVersion(version);
        deployment = new DeploymentRecord(UUID.randomUUID().toString(), version.id(), "checkout-1", now, null,
                DeploymentResult.RUNNING);
        ledger.recordDeployment(deployment);
    }

    @Test
    void writesTheRecordsBehindANulReasonAndAHugeReasonWithoutWaitingForARetry() {
        String nul = "bad\u0000reason";
        String huge = "x".repeat(100 * 1024);
        try (LedgerWriter writer = writer(ledger)) {
            writer.submit(rollback(nul));
            writer.submit(rollback(huge));
            for (int i = 0; i < 100; i++) {
                writer.submit(rollback("normal " + i));
            }
            await().atMost(RETRY_PERIOD).until(() -> writer.pending() == 0);

            assertThat(ledger.rollbacks(deployment.id())).hasSize(102)
                    .extracting(RollbackRecord::reason)
                    .contains("bad\\u0000reason", "normal 0", "normal 99")
                    .anySatisfy(reason -> assertThat(reason).hasSize(JdbcRollbackLedger.MAX_REASON_LENGTH));
            assertThat(meters.get(RollbackMetricNames.LEDGER_RETRIES).counter().count())
                    .as("no write waited for a retry").isZero();
            assertThat(meters.get(RollbackMetricNames.LEDGER_REJECTED).counter().count()).isZero();
            assertThat(writer.deadLetters()).isEmpty();
        }
    }

    @Test
    void setsAsideARecordTheDatabaseRefusesEvenEscapedAndWritesTheRest() {
        RollbackRecord orphan = new RollbackRecord(UUID.randomUUID().toString(), "no-such-deployment",
                Instant.parse("2026-12-06T01:00:00Z"), "orphan", "checkout-v2", RollbackScope.FEATURE, "judge");
        try (LedgerWriter writer = writer(ledger)) {
            writer.submit(orphan);
            for (int i = 0; i < 10; i++) {
                writer.submit(rollback("after the orphan " + i));
            }
            await().atMost(RETRY_PERIOD).until(() -> writer.pending() == 0);

            assertThat(writer.deadLetters()).containsExactly(orphan);
            assertThat(meters.get(RollbackMetricNames.LEDGER_REJECTED).counter().count()).isEqualTo(1);
            assertThat(meters.get(RollbackMetricNames.LEDGER_RETRIES).counter().count()).isZero();
            assertThat(ledger.rollbacks(deployment.id())).hasSize(10);
        }
    }

    @Test
    void countsTheWriteInFlightAtCloseAsNotRecorded() {
        PGSimpleDataSource down = new PGSimpleDataSource();
        down.setUrl("jdbc:postgresql://127.0.0.1:1/appdb");
        down.setConnectTimeout(1);
        LedgerWriter writer = new LedgerWriter(new JdbcRollbackLedger(down), 10, Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ofMillis(300), meters);
        writer.submit(rollback("first, in flight at close"));
        writer.submit(rollback("second, queued at close"));
        await().atMost(RETRY_PERIOD)
                .until(() -> meters.get(RollbackMetricNames.LEDGER_RETRIES).counter().count() > 0);
        Counter dropped = meters.get(RollbackMetricNames.LEDGER_DROPPED).counter();
        assertThat(dropped.count()).isZero();

        writer.close();

        assertThat(dropped.count()).as("the write in flight and the one queued behind it").isEqualTo(2);
    }

    private LedgerWriter writer(JdbcRollbackLedger target) {
        return new LedgerWriter(target, 1000, RETRY_PERIOD, RETRY_PERIOD, Duration.ofSeconds(10), meters);
    }

    private RollbackRecord rollback(String reason) {
        return new RollbackRecord(UUID.randomUUID().toString(), deployment.id(), Instant.parse("2026-12-06T01:00:00Z"),
                reason, "checkout-v2", RollbackScope.FEATURE, "judge");
    }
}
