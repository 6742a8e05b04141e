package dev.rollback.spring.autoconfigure;

import dev.rollback.liquibase.VersionSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's data source, each connection on the {@code search_path} of the application's
 * version (PostgreSQL; on any other database connections are handed out unchanged): the version
 * schema of the last change set of its own change log that has one ({@link VersionSchema#resolve}),
 * or the schema that {@code rollback.liquibase.search-path} names. Looked up at each connection
 * handed out until a version schema is found (one catalog query), then kept.
 *
 * <p>Liquibase and the expand/contract steps work on the physical schema: {@link #physical()}.
 */
public final class VersionSchemaDataSource extends DelegatingDataSource {

    private static final Logger LOG = LoggerFactory.getLogger(VersionSchemaDataSource.class);

    private final DataSource target;
    private final Supplier<List<String>> changeSetIds;
    private final String searchPath;
    /** The physical connection's {@code search_path}, as the first connection had it; null until read. */
    private volatile String physicalPath;
    /** The schema the application's connections use; null until found. */
    private volatile String versionPath;
    private volatile Boolean postgres;
    private volatile List<String> ids;

    /**
     * Wraps a data source.
     *
     * @param target       the data source
     * @param changeSetIds the ids of the application's change sets in order, asked for once
     * @param searchPath   the schema to use instead of the one found, or null
     */
    public VersionSchemaDataSource(DataSource target, Supplier<List<String>> changeSetIds, String searchPath) {
        super(target);
        this.target = target;
        this.changeSetIds = changeSetIds;
        this.searchPath = searchPath == null || searchPath.isBlank() ? null : searchPath;
    }

    /**
     * Returns the data source on the physical schema, whatever a pooled connection had before.
     *
     * @param dataSource a data source, wrapped or not
     * @return a data source on the physical schema
     */
    public static DataSource physical(DataSource dataSource) {
        return dataSource instanceof VersionSchemaDataSource wrapped ? wrapped.physical() : dataSource;
    }

    /** @return the data source on the physical schema */
    public DataSource physical() {
        return new Physical();
    }

    /** @return the schema the application's connections use, found at the first connection; null before */
    public String versionSchema() {
        return versionPath;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return onVersion(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return onVersion(target.getConnection(username, password));
    }

    private Connection onVersion(Connection connection) throws SQLException {
        if (!postgres(connection)) {
            return connection;
        }
        try {
            String path = versionPath;
            if (path == null) {
                setSearchPath(connection, physicalPath);
                String schema = connection.getSchema();
                String found = searchPath != null ? searchPath : VersionSchema.resolve(connection, schema, ids());
                if (found.equals(schema)) {
                    return connection; // no version schema (yet): asked again at the next connection
                }
                path = found;
                versionPath = path;
                LOG.info("the application's connections use the schema {} (search_path)", path);
            }
            setSearchPath(connection, quote(path));
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private List<String> ids() {
        List<String> known = ids;
        if (known == null) {
            known = changeSetIds.get();
            ids = known;
        }
        return known;
    }

    private boolean postgres(Connection connection) throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            known = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            postgres = known;
            if (known) {
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SHOW search_path")) {
                    row.next();
                    physicalPath = row.getString(1);
                }
            }
        }
        return known;
    }

    private static void setSearchPath(Connection connection, String path) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + path);
        }
    }

    private static String quote(String schema) {
        return '"' + schema.replace("\"", "\"\"") + '"';
    }

    /** The same data source, its connections on the physical search path. */
    private final class Physical extends DelegatingDataSource {

        Physical() {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return onPhysical(target.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return onPhysical(target.getConnection(username, password));
        }

        private Connection onPhysical(Connection connection) throws SQLException {
            if (postgres(connection)) {
                try {
                    setSearchPath(connection, physicalPath);
                } catch (SQLException e) {
                    connection.close();
                    throw e;
                }
            }
            return connection;
        }
    }
}
