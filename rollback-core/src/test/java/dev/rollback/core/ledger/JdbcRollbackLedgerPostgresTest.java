package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.testing.RequiredServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link JdbcRollbackLedger} on a real PostgreSQL, by default the one {@code .ci/start-postgres.sh}
 * starts: {@code jdbc:postgresql://127.0.0.1:5432/appdb}, user and password {@code app}. Override
 * with system properties {@code rollback.pg.url}, {@code rollback.pg.user}, {@code rollback.pg.password}
 * or environment variables {@code ROLLBACK_PG_URL}, {@code ROLLBACK_PG_USER}, {@code ROLLBACK_PG_PASSWORD}.
 *
 * <p>Skipped when the server cannot be reached, unless {@code rollback.it.required=true}: see
 * {@link RequiredServer}. The ledger's tables are dropped before the class runs, then created
 * twice; the tests share them and keep apart by writing under ids of their own.
 */
class JdbcRollbackLedgerPostgresTest extends JdbcRollbackLedgerContract {

    private static final String URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    private static final String USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    private static final String PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD",
            "app");
    /** The schema for the test that needs the tables not to exist; dropped and created again by it. */
    private static final String EMPTY_SCHEMA = "rollback_ledger_empty";

    private static final String SERVER = "PostgreSQL at " + URL + " (user " + USER + ")";
    private static final String HOW_TO_START = "sudo .ci/start-postgres.sh";

    private static final PGSimpleDataSource DATABASE = postgres(null);

    @BeforeAll
    static void startWithoutLedgerTables() throws SQLException {
        if (!RequiredServer.isReachable(SERVER, HOW_TO_START, JdbcRollbackLedgerPostgresTest::selectOne)) {
            return; // each test is skipped by skipUnlessReachable()
        }
        execute(DATABASE, "DROP TABLE IF EXISTS rollback_record",
                "DROP TABLE IF EXISTS deployment_record",
                "DROP TABLE IF EXISTS microservice_version");

        JdbcRollbackLedger ledger = new JdbcRollbackLedger(DATABASE);
        ledger.createSchema();
        ledger.createSchema();

        assertThat(ledger.versions("checkout")).isEmpty();
    }

    @BeforeEach
    void skipUnlessReachable() {
        RequiredServer.assumeReachable(SERVER, HOW_TO_START, JdbcRollbackLedgerPostgresTest::selectOne);
    }

    @Override
    protected DataSource dataSource() {
        return DATABASE;
    }

    @Override
    protected DataSource emptyDataSource() throws SQLException {
        execute(DATABASE, "DROP SCHEMA IF EXISTS " + EMPTY_SCHEMA + " CASCADE", "CREATE SCHEMA " + EMPTY_SCHEMA);
        return postgres(EMPTY_SCHEMA);
    }

    private static void selectOne() throws SQLException {
        try (Connection connection = DATABASE.getConnection();
             Statement statement = connection.createStatement();
             ResultSet one = statement.executeQuery("select 1")) {
            one.next();
        }
    }

    private static PGSimpleDataSource postgres(String schema) {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setUrl(URL);
        postgres.setUser(USER);
        postgres.setPassword(PASSWORD);
        postgres.setConnectTimeout(5);
        postgres.setLoginTimeout(5);
        if (schema != null) {
            postgres.setCurrentSchema(schema);
        }
        return postgres;
    }

    private static void execute(DataSource database, String... statements) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
