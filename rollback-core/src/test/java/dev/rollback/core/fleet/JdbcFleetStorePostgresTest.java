package dev.rollback.core.fleet;

import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.TestPostgres;
import dev.rollback.testing.TestPostgresServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link JdbcFleetStore} on the real PostgreSQL keeps the contract, in a schema of its own created
 * afresh for the class. Skipped when the server cannot be reached, unless
 * {@code rollback.it.required=true}.
 */
class JdbcFleetStorePostgresTest extends FleetStoreContract {

    private static DataSource database;

    @BeforeAll
    static void freshSchema() throws SQLException {
        if (!TestPostgresServer.isReachable()) {
            return; // each test is skipped by skipUnlessReachable()
        }
        database = TestPostgres.freshSchema("rollback_fleet_store");
        new JdbcRollbackLedger(database).createSchema();
    }

    @BeforeEach
    void skipUnlessReachable() {
        TestPostgresServer.assumeReachable();
    }

    @Override
    protected FleetStore store() {
        return new JdbcFleetStore(database);
    }
}
