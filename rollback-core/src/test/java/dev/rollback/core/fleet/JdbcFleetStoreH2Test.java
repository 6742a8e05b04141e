package dev.rollback.core.fleet;

import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;

/** {@link JdbcFleetStore} on embedded H2, a fresh in-memory database per test, keeps the contract. */
class JdbcFleetStoreH2Test extends FleetStoreContract {

    private final JdbcDataSource database = h2("fleet-" + UUID.randomUUID());
    private final JdbcFleetStore store;

    JdbcFleetStoreH2Test() {
        new JdbcRollbackLedger(database).createSchema();
        store = new JdbcFleetStore(database);
    }

    @Override
    protected FleetStore store() {
        return store;
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        }
    }

    /** Returns an in-memory H2 database that lives until it is shut down. */
    static JdbcDataSource h2(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return h2;
    }
}
