package dev.rollback.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL the tests use, by default the one {@code .ci/start-postgres.sh} starts:
 * {@code jdbc:postgresql://127.0.0.1:5432/appdb}, user and password {@code app}. Override with
 * system properties {@code rollback.pg.url}, {@code rollback.pg.user}, {@code rollback.pg.password}
 * or environment variables {@code ROLLBACK_PG_URL}, {@code ROLLBACK_PG_USER},
 * {@code ROLLBACK_PG_PASSWORD}. Reached through {@link DriverManager}, so the test's class path
 * needs the PostgreSQL driver.
 */
public final class TestPostgresServer {

    /** The JDBC URL. */
    public static final String URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    /** The user. */
    public static final String USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    /** The password. */
    public static final String PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD",
            "app");

    private static final String SERVER = "PostgreSQL at " + URL + " (user " + USER + ")";
    private static final String HOW_TO_START = "sudo .ci/start-postgres.sh";

    private TestPostgresServer() {
    }

    /**
     * Returns whether the server can be reached; fails if it cannot and servers are required (see
     * {@link RequiredServer}).
     *
     * @return whether it can be reached
     */
    public static boolean isReachable() {
        return RequiredServer.isReachable(SERVER, HOW_TO_START, TestPostgresServer::selectOne);
    }

    /** Skips the test if the server cannot be reached, or fails it if servers are required. */
    public static void assumeReachable() {
        RequiredServer.assumeReachable(SERVER, HOW_TO_START, TestPostgresServer::selectOne);
    }

    /**
     * Runs statements, each on its own, on a new connection.
     *
     * @param statements the statements
     * @throws SQLException if the database refuses one
     */
    public static void execute(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Drops a schema with all it holds and creates it again.
     *
     * @param schema the schema's name
     * @return the JDBC URL with that schema first on the search path
     * @throws SQLException if the database refuses
     */
    public static String freshSchema(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * Opens a connection.
     *
     * @return the connection
     * @throws SQLException if the server cannot be reached
     */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }

    private static void selectOne() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet one = statement.executeQuery("select 1")) {
            one.next();
        }
    }
}
