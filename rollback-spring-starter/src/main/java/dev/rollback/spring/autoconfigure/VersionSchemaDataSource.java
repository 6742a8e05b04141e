package dev.rollback.spring.autoconfigure;

import dev.rollback.core.guard.RunningPath;
import dev.rollback.liquibase.VersionSchema;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's data source, its connections on the {@code search_path} of the version each piece
 * of code knows (PostgreSQL; on any other database connections are handed out unchanged):
 * <ul>
 *   <li>while a {@code @Rollbackable}'s new path runs ({@link RunningPath.Kind#NEW}): the schema of the
 *       application's version, {@link VersionSchema.Names#current()};</li>
 *   <li>while an old path runs, fallbacks included ({@link RunningPath.Kind#OLD}): the previous
 *       version's schema, {@link VersionSchema.Names#previous()};</li>
 *   <li>otherwise: the schema that {@code rollback.liquibase.search-path} names, else the application's
 *       version schema.</li>
 * </ul>
 * The schemas are looked up at each connection handed out until a version schema is found (one catalog
 * query), then kept.
 *
 * <p>The schema follows the path at each statement a connection prepares, not at the checkout: a
 * connection checked out before the path started (an outer {@code @Transactional}) prepares the path's
 * statements on the path's schema and the rest on the default one, inside the same transaction. A
 * connection's {@code search_path} is set only when the one it needs differs from the one it has; the
 * data source remembers what each pooled connection has across checkouts, and forgets it when a
 * transaction that set it is rolled back. A statement prepared on one path and run on another, or a
 * {@code SET search_path} of the application's own, is not followed.
 *
 * <p>Liquibase, the expand/contract steps and the ledger work on the physical schema: {@link #physical()}.
 */
public final class VersionSchemaDataSource extends DelegatingDataSource implements OnVersionSchema {

    private static final Logger LOG = LoggerFactory.getLogger(VersionSchemaDataSource.class);

    private final DataSource target;
    private final Supplier<List<String>> changeSetIds;
    private final String searchPath;
    /** The {@code SET search_path} statement each pooled connection ran last, where known; keyed by the driver's connection. */
    private final Map<Connection, String> applied = Collections.synchronizedMap(new WeakHashMap<>());
    /** The physical connection's {@code SET search_path} statement, as the first connection had it; null until read. */
    private volatile String physicalPath;
    /** The statements of the three schemas; null until a version schema is found. */
    private volatile Paths paths;
    private volatile Boolean postgres;
    private volatile List<String> ids;

    /**
     * Wraps a data source.
     *
     * @param target       the data source
     * @param changeSetIds the ids of the application's change sets in order, asked for once
     * @param searchPath   the schema to use outside every guarded path instead of the one found, or null
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
    @Override
    public DataSource physical() {
        return new Physical();
    }

    /**
     * Returns the schema a connection is on while a path of a kind runs, or outside every path; looks
     * the schemas up first (one connection) if they are not known yet.
     *
     * @param kind {@link RunningPath.Kind#NEW}, {@link RunningPath.Kind#OLD}, or null for outside every
     *             guarded path
     * @return the schema's name, the physical schema's while there is no version schema; null where
     *         connections are handed out unchanged (not PostgreSQL)
     * @throws SQLException if no connection can be had or the catalog cannot be read
     */
    public String schemaOf(RunningPath.Kind kind) throws SQLException {
        Paths known = paths;
        if (known == null) {
            try (Connection connection = target.getConnection()) {
                if (!postgres(connection)) {
                    return null;
                }
                known = find(new OnVersion(connection));
            }
        }
        if (kind == null) {
            return known.outsideSchema;
        }
        return kind == RunningPath.Kind.NEW ? known.newSchema : known.oldSchema;
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
        try {
            if (!postgres(connection)) {
                return connection;
            }
            OnVersion handler = new OnVersion(connection);
            Paths known = paths;
            handler.paths = known != null ? known : find(handler);
            return (Connection) Proxy.newProxyInstance(VersionSchemaDataSource.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, handler);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Looks the schemas up on the physical schema; keeps them once a version schema exists. */
    private Paths find(OnVersion handler) throws SQLException {
        handler.use(physicalPath);
        Connection connection = handler.connection;
        String schema = connection.getSchema();
        VersionSchema.Names names = VersionSchema.resolveNames(connection, schema, ids());
        String outside = searchPath != null ? searchPath : names.current();
        if (names.current().equals(schema)) {
            // no version schema (yet): every path on the physical one, or the one configured; asked again next time
            return new Paths(outside, schema, schema, outside.equals(schema) ? physicalPath : setTo(outside),
                    physicalPath, physicalPath);
        }
        Paths found = new Paths(outside, names.current(), names.previous(), setTo(outside), setTo(names.current()),
                setTo(names.previous()));
        paths = found;
        LOG.info("the application's connections use the schema {} (search_path), its new paths {}, its old paths {}",
                outside, names.current(), names.previous());
        return found;
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
            if (known) {
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SHOW search_path")) {
                    row.next();
                    physicalPath = "SET search_path TO " + row.getString(1);
                }
            }
            postgres = known;
        }
        return known;
    }

    private static void execute(Connection connection, String statement) throws SQLException {
        try (Statement set = connection.createStatement()) {
            set.execute(statement);
        }
    }

    /** The driver's connection under a pool's, which lives across checkouts. */
    private static Connection driver(Connection connection) throws SQLException {
        return connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
    }

    private static String setTo(String schema) {
        return "SET search_path TO " + VersionSchema.quote(schema);
    }

    /** The schemas outside every path, on a new path and on an old one, and their {@code SET search_path} statements. */
    private record Paths(String outsideSchema, String newSchema, String oldSchema,
                         String outside, String newPath, String oldPath) {

        String forCurrentPath() {
            RunningPath path = RunningPath.current();
            if (path == null) {
                return outside;
            }
            return path.kind() == RunningPath.Kind.NEW ? newPath : oldPath;
        }
    }

    /**
     * A connection handed out: before it prepares a statement, it is put on the schema of the path
     * that runs then, unless it is known to be on it. What it sets outside a transaction is remembered
     * for the next checkout at once; inside one, once the transaction commits.
     */
    private final class OnVersion implements InvocationHandler {

        private final Connection connection;
        private final Connection driver;
        /** The schemas, set once they are known. */
        private Paths paths;
        /** The statement that put the connection on its schema last; null where unknown. */
        private String has;
        /** Whether {@link #has} was set inside a transaction that has not ended yet. */
        private boolean pending;

        OnVersion(Connection connection) throws SQLException {
            this.connection = connection;
            this.driver = driver(connection);
            this.has = applied.get(driver);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "createStatement", "prepareStatement", "prepareCall", "getSchema" -> use(paths.forCurrentPath());
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "version schema connection over " + connection;
                }
                default -> {
                    // the others are passed on as they are
                }
            }
            boolean commits = "commit".equals(name)
                    || "setAutoCommit".equals(name) && (Boolean) args[0] && !connection.getAutoCommit();
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (pending && commits) {
                pending = false;
                if (has != null) {
                    applied.put(driver, has);
                }
            } else if ("rollback".equals(name)) {
                // undoes what the transaction (or since the savepoint) set: set again at the next statement
                has = null;
            }
            return result;
        }

        /** Puts the connection on a schema by its {@code SET search_path} statement, unless it is on it. */
        void use(String statement) throws SQLException {
            if (statement.equals(has)) {
                return;
            }
            boolean autoCommit = connection.getAutoCommit();
            applied.remove(driver);
            execute(connection, statement);
            has = statement;
            if (autoCommit) {
                applied.put(driver, statement);
            } else {
                pending = true;
            }
        }
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
            try {
                if (postgres(connection)) {
                    // Liquibase and the migrations may set their own search_path: unknown after this checkout
                    applied.remove(driver(connection));
                    execute(connection, physicalPath);
                }
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return connection;
        }
    }
}
