package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The {@link RollbackLedgerContract} plus what {@link JdbcRollbackLedger} does on every supported
 * database. A subclass supplies the database.
 */
abstract class JdbcRollbackLedgerContract extends RollbackLedgerContract {

    private JdbcRollbackLedger ledger;

    /**
     * Returns the database, whose ledger tables may exist already and hold records of other tests.
     *
     * @return the data source
     */
    protected abstract DataSource dataSource();

    /**
     * Returns a database in which the ledger's tables do not exist yet.
     *
     * @return the data source
     * @throws Exception if it cannot be prepared
     */
    protected abstract DataSource emptyDataSource() throws Exception;

    /**
     * Returns the ledger on {@link #dataSource()}, with its schema created the first time. Lazily,
     * so that a subclass's {@code @BeforeEach} can skip the test before the database is touched.
     */
    @Override
    protected JdbcRollbackLedger ledger() {
        if (ledger == null) {
            ledger = new JdbcRollbackLedger(dataSource());
            ledger.createSchema();
        }
        return ledger;
    }

    @Test
    void keepsTheRecordsWhenTheSchemaIsCreatedAgain() {
        DeploymentRecord deployment = recordedDeployment();

        ledger().createSchema();

        assertThat(ledger().deployments(deployment.microserviceVersionId())).containsExactly(deployment);
    }

    @Test
    void createsTheSchemaOnceWhenSeveralInstancesStartAtOnce() throws Exception {
        DataSource empty = emptyDataSource();
        int instances = 6;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            List<Callable<Void>> starts = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                starts.add(() -> {
                    new JdbcRollbackLedger(empty).createSchema();
                    return null;
                });
            }
            for (Future<Void> start : pool.invokeAll(starts, 2, TimeUnit.MINUTES)) {
                start.get();
            }
        } finally {
            pool.shutdownNow();
        }

        JdbcRollbackLedger started = new JdbcRollbackLedger(empty);
        MicroserviceVersion version = MicroserviceVersion.of("checkout", "1.0.0", T0, VersionStatus.DEPLOYED);
        started.recordVersion(version);
        assertThat(started.versions("checkout")).containsExactly(version);
    }

    @Test
    void keepsTimesToTheMicrosecond() {
        MicroserviceVersion version = MicroserviceVersion.of(unique("checkout"), "1.0.0",
                T0.plusNanos(999), VersionStatus.DEPLOYED);

        ledger().recordVersion(version);

        assertThat(ledger().versions(version.serviceName())).singleElement()
                .extracting(MicroserviceVersion::deploymentTime)
                .isEqualTo(T0.plusNanos(999).truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void cutsAReasonLongerThanTheColumn() {
        DeploymentRecord deployment = recordedDeployment();
        String reason = "x".repeat(JdbcRollbackLedger.MAX_REASON_LENGTH + 500);

        ledger().recordRollback(new RollbackRecord(unique("r"), deployment.id(), T0, reason, null,
                RollbackScope.INSTANCE, "agent"));

        assertThat(ledger().rollbacks(deployment.id())).singleElement().extracting(RollbackRecord::reason)
                .isEqualTo(reason.substring(0, JdbcRollbackLedger.MAX_REASON_LENGTH));
    }

    @Test
    void refusesTextLongerThanItsColumnNamingIt() {
        MicroserviceVersion version = recordedVersion();
        DeploymentRecord deployment = new DeploymentRecord(unique("d"), version.id(), "pod-" + "x".repeat(300), T0,
                null, DeploymentResult.RUNNING);

        assertThatThrownBy(() -> ledger().recordDeployment(deployment))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instance id")
                .hasMessageContaining("304 characters long")
                .hasMessageContaining("at most 255");
        assertThat(ledger().deployments(version.id())).isEmpty();
    }

    @Test
    void refusesARollbackOfAnUnknownDeploymentNamingTheRollback() {
        String id = unique("r");
        RollbackRecord rollback = new RollbackRecord(id, unique("no-such-deployment"), T0, "reason", null,
                RollbackScope.INSTANCE, "agent");

        assertThatThrownBy(() -> ledger().recordRollback(rollback))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("could not record rollback " + id)
                .hasMessageContaining("SQLState 23");
    }

    @Test
    void refusesADeploymentOfAnUnknownVersionNamingTheDeployment() {
        String id = unique("d");
        DeploymentRecord deployment = new DeploymentRecord(id, unique("no-such-version"), "pod-a", T0, null,
                DeploymentResult.RUNNING);

        assertThatThrownBy(() -> ledger().recordDeployment(deployment))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("could not record deployment " + id);
    }
}
