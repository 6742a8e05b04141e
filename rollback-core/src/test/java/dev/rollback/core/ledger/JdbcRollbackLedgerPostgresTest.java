package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.testing.RequiredServer;
import dev.rollback.testing.TestPostgresServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link JdbcRollbackLedger} on a real PostgreSQL: {@link TestPostgresServer}.
 *
 * <p>Skipped when the server cannot be reached, unless {@code rollback.it.required=true}: see
 * {@link RequiredServer}. The ledger's tables are dropped before the class runs, then created
 * twice; the tests share them and keep apart by writing under ids of their own.
 */
class JdbcRollbackLedgerPostgresTest extends JdbcRollbackLedgerContract {

    /** The schema for the test that needs the tables not to exist; dropped and created again by it. */
    private static final String EMPTY_SCHEMA = "rollback_ledger_empty";

    @BeforeAll
    static void startWithoutLedgerTables() throws SQLException {
        if (!TestPostgresServer.isReachable()) {
            return; // each test is skipped by skipUnlessReachable()
        }
        TestPostgresServer.execute("DROP TABLE IF EXISTS rollback_record",
                "DROP TABLE IF EXISTS deployment_record",
                "DROP TABLE IF EXISTS microservice_version");

        JdbcRollbackLedger ledger = new JdbcRollbackLedger(TestPostgres.DATABASE);
        ledger.createSchema();
        ledger.createSchema();

        assertThat(ledger.versions("checkout")).isEmpty();
    }

    @BeforeEach
    void skipUnlessReachable() {
        TestPostgresServer.assumeReachable();
    }

    @Override
    protected DataSource dataSource() {
        return TestPostgres.DATABASE;
    }

    @Override
    protected DataSource emptyDataSource() throws SQLException {
        return TestPostgres.freshSchema(EMPTY_SCHEMA);
    }
}
