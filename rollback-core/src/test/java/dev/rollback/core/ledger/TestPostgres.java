package dev.rollback.core.ledger;

import dev.rollback.testing.TestPostgresServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real PostgreSQL of {@link TestPostgresServer} as data sources for the ledger's tests, which
 * keep apart by working in a schema of their own ({@link #freshSchema(String)}).
 */
public final class TestPostgres {

    /** The database in its default schema. */
    public static final DataSource DATABASE = dataSource(null);

    private TestPostgres() {
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
        TestPostgresServer.freshSchema(schema);
        return dataSource(schema);
    }

    private static PGSimpleDataSource dataSource(String schema) {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setUrl(TestPostgresServer.URL);
        postgres.setUser(TestPostgresServer.USER);
        postgres.setPassword(TestPostgresServer.PASSWORD);
        postgres.setConnectTimeout(5);
        postgres.setLoginTimeout(5);
        if (schema != null) {
            postgres.setCurrentSchema(schema);
        }
        return postgres;
    }
}
