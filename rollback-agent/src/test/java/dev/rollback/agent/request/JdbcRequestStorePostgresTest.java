package dev.rollback.agent.request;

import dev.rollback.testing.RequiredServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store on PostgreSQL: skipped when the server cannot be reached, unless
 * {@code rollback.it.required=true} (see {@link RequiredServer}). Its tables
 * ({@code rollback_agent_*}) are the agent's own; they are dropped before the class runs.
 */
class JdbcRequestStorePostgresTest extends RequestStoreContract {

    private static final String URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    private static final String USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    private static final String PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD",
            "app");
    private static final String SERVER = "PostgreSQL at " + URL + " (user " + USER + ")";
    private static final String HOW_TO_START = "sudo .ci/start-postgres.sh";

    @BeforeAll
    static void dropTables() throws Exception {
        if (!RequiredServer.isReachable(SERVER, HOW_TO_START, JdbcRequestStorePostgresTest::selectOne)) {
            return;
        }
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS rollback_agent_request");
            s.execute("DROP TABLE IF EXISTS rollback_agent_dedupe");
        }
    }

    @Override
    protected void beforeOpen() {
        RequiredServer.assumeReachable(SERVER, HOW_TO_START, JdbcRequestStorePostgresTest::selectOne);
    }

    @Override
    protected JdbcRequestStore open() {
        return new JdbcRequestStore(URL, USER, PASSWORD);
    }

    private static void selectOne() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
        }
    }
}
