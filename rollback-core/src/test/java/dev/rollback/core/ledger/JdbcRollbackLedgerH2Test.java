package dev.rollback.core.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link JdbcRollbackLedger} on embedded H2, a fresh in-memory database per test.
 */
class JdbcRollbackLedgerH2Test extends JdbcRollbackLedgerContract {

    private final List<JdbcDataSource> databases = new ArrayList<>();
    private final JdbcDataSource dataSource = newDatabase();

    @Override
    protected DataSource dataSource() {
        return dataSource;
    }

    @Override
    protected DataSource emptyDataSource() {
        return newDatabase();
    }

    @AfterEach
    void dropDatabases() throws SQLException {
        for (JdbcDataSource database : databases) {
            try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
    }

    /** Returns a new in-memory database, kept until {@link #dropDatabases()} shuts it down. */
    private JdbcDataSource newDatabase() {
        JdbcDataSource database = h2("ledger-" + UUID.randomUUID());
        databases.add(database);
        return database;
    }

    /** Returns an in-memory H2 database that lives until it is shut down. */
    static JdbcDataSource h2(String name) {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return database;
    }
}
