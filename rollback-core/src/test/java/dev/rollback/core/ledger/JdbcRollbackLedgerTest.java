package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcRollbackLedger} where no database works as it should: unsupported, unreachable, or
 * without the ledger's tables.
 */
class JdbcRollbackLedgerTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:15:30Z");

    @Test
    void refusesToCreateTheSchemaOnAnUnsupportedDatabase() throws SQLException {
        DataSource oracle = mock(DataSource.class);
        Connection connection = mock(Connection.class);
        DatabaseMetaData metaData = mock(DatabaseMetaData.class);
        when(oracle.getConnection()).thenReturn(connection);
        when(connection.getAutoCommit()).thenReturn(true);
        when(connection.getMetaData()).thenReturn(metaData);
        when(metaData.getDatabaseProductName()).thenReturn("Oracle");

        assertThatThrownBy(() -> new JdbcRollbackLedger(oracle).createSchema())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'Oracle'")
                .hasMessageContaining("supported are H2 and PostgreSQL");
    }

    @Test
    void throwsALedgerExceptionNamingTheRecordWhenTheDatabaseIsUnreachable() throws SQLException {
        DataSource unreachable = mock(DataSource.class);
        when(unreachable.getConnection()).thenThrow(
                new SQLNonTransientConnectionException("Connection to 127.0.0.1:5432 refused", "08001"));
        JdbcRollbackLedger ledger = new JdbcRollbackLedger(unreachable);
        MicroserviceVersion version = MicroserviceVersion.of("checkout", "1.0.0", T0, VersionStatus.DEPLOYED);

        assertThatThrownBy(() -> ledger.recordVersion(version))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("record version " + version.id() + " (checkout 1.0.0)")
                .hasMessageContaining("Connection to 127.0.0.1:5432 refused")
                .hasCauseInstanceOf(SQLNonTransientConnectionException.class);
        assertThatThrownBy(() -> ledger.recordDeployment(new DeploymentRecord("deployment-7", version.id(), "pod-a",
                T0, null, DeploymentResult.RUNNING)))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("record deployment deployment-7");
        assertThatThrownBy(() -> ledger.recordRollback(new RollbackRecord("rollback-9", "deployment-7", T0, "reason",
                null, RollbackScope.INSTANCE, "agent")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("record rollback rollback-9")
                .hasMessageContaining("SQLState 08001");
        assertThatThrownBy(() -> ledger.versions("checkout"))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("read the versions of service checkout");
    }

    @Test
    void throwsALedgerExceptionNamingTheRecordWhenTheTablesAreMissing() {
        JdbcDataSource withoutTables = new JdbcDataSource();
        withoutTables.setURL("jdbc:h2:mem:" + UUID.randomUUID());
        JdbcRollbackLedger ledger = new JdbcRollbackLedger(withoutTables);

        assertThatThrownBy(() -> ledger.recordRollback(new RollbackRecord("rollback-9", "deployment-7", T0, "reason",
                null, RollbackScope.INSTANCE, "agent")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("record rollback rollback-9")
                .hasMessageContaining("ROLLBACK_RECORD");
    }

    @Test
    void splitsTheSchemaIntoItsStatements() {
        assertThat(JdbcRollbackLedger.statements("schema.sql"))
                .hasSize(13)
                .allSatisfy(statement -> assertThat(statement).doesNotContain(";").doesNotStartWith("--"))
                .anySatisfy(statement -> assertThat(statement).startsWith(
                        "CREATE TABLE IF NOT EXISTS microservice_version"))
                .anySatisfy(statement -> assertThat(statement).startsWith(
                        "CREATE INDEX IF NOT EXISTS ix_rollback_record_deployment"))
                .anySatisfy(statement -> assertThat(statement).startsWith("CREATE TABLE IF NOT EXISTS fleet_verdict"));
    }
}
