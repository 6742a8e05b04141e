package dev.rollback.core.ledger;

import dev.rollback.testing.RequiredServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real PostgreSQL the core's tests use, by default the one {@code .ci/start-postgres.sh}
 * starts: {@code jdbc:postgresql://127.0.0.1:5432/appdb}, user and password {@code app}. Override
 * with system properties {@code rollback.pg.url}, {@code rollback.pg.user}, {@code rollback.pg.password}
 * or environment variables {@code ROLLBACK_PG_URL}, {@code ROLLBACK_PG_USER}, {@code ROLLBACK_PG_PASSWORD}.
 * Tests keep apart by working in a schema of their own; see {@link #freshSchema(String)}.
 */
public final class TestPostgres {

    private static final String URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    private static final String USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    private static final String PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD",
            "app");
    private static final String SERVER = "PostgreSQL at " + URL + " (user " + USER + ")";
    private static final String HOW_TO_START = "sudo .ci/start-postgres.sh";

    /** The database in its default schema. */
    public static final DataSource DATABASE = dataSource(null);

    private TestPostgres() {
    }

    /**
     * Returns whether the server can be reached; fails if it cannot and servers are required.
     *
     * @return whether it can be reached
     */
    public static boolean isReachable() {
        return RequiredServer.isReachable(SERVER, HOW_TO_START, TestPostgres::selectOne);
    }

    /** Skips the test if the server cannot be reached, or fails it if servers are required. */
    public static void assumeReachable() {
        RequiredServer.assumeReachable(SERVER, HOW_TO_START, TestPostgres::selectOne);
    }

    /**
     * Drops a schema with all it holds, creates it again, and returns the database with that schema
     * first on its search path.
     *
     * @param schema the schema's name
     * @return the data source
     * @throws SQLException if the database refuses
     */
    public static DataSource freshSchema(String schema) throws SQLException {
        execute(DATABASE, "DROP SCHEMA IF EXISTS " + schema + " CASCADE", "CREATE SCHEMA " + schema);
        return dataSource(schema);
    }

    /**
     * Runs statements on a database, each on its own.
     *
     * @param database   the database
     * @param statements the statements
     * @throws SQLException if the database refuses one
     */
    public static void execute(DataSource database, String... statements) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static void selectOne() throws SQLException {
        try (Connection connection = DATABASE.getConnection();
             Statement statement = connection.createStatement();
             ResultSet one = statement.executeQuery("select 1")) {
            one.next();
        }
    }

    private static PGSimpleDataSource dataSource(String schema) {
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
}
