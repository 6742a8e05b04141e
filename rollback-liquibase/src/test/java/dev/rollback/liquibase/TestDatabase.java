package dev.rollback.liquibase;

import dev.rollback.testing.RequiredServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own for one test: a fresh in-memory H2 database, or a fresh schema on the real
 * PostgreSQL ({@code jdbc:postgresql://127.0.0.1:5432/appdb} unless {@code rollback.pg.url} or
 * {@code ROLLBACK_PG_URL} say otherwise; skipped when unreachable unless {@code rollback.it.required=true}).
 * Dropped when closed, so tests never see each other's tables, and other modules' ledger tables in
 * the same database are left alone.
 */
final class TestDatabase implements AutoCloseable {

    static final String PG_URL = RequiredServer.setting("rollback.pg.url", "ROLLBACK_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/appdb");
    static final String PG_USER = RequiredServer.setting("rollback.pg.user", "ROLLBACK_PG_USER", "app");
    static final String PG_PASSWORD = RequiredServer.setting("rollback.pg.password", "ROLLBACK_PG_PASSWORD", "app");
    private static final String SERVER = "PostgreSQL at " + PG_URL + " (user " + PG_USER + ")";

    private final boolean postgres;
    private final String schema;
    private final DataSource dataSource;

    private TestDatabase(boolean postgres, String schema, DataSource dataSource) {
        this.postgres = postgres;
        this.schema = schema;
        this.dataSource = dataSource;
    }

    /**
     * Opens a database of the kind, skipping the test if PostgreSQL is unreachable (unless required).
     *
     * @param kind {@code h2} or {@code postgresql}
     * @param test a short name for the schema
     */
    static TestDatabase open(String kind, String test) throws SQLException {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        if ("h2".equals(kind)) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + test + "_" + suffix + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
            h2.setUser("sa");
            return new TestDatabase(false, "PUBLIC", h2);
        }
        PGSimpleDataSource root = postgres(null);
        RequiredServer.assumeReachable(SERVER, "sudo .ci/start-postgres.sh", () -> {
            try (Connection connection = root.getConnection()) {
                connection.isValid(5);
            }
        });
        String schema = ("rb_lq_" + test + "_" + suffix).toLowerCase(Locale.ROOT);
        try (Connection connection = root.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return new TestDatabase(true, schema, postgres(schema));
    }

    static List<String> kinds() {
        return List.of("h2", "postgresql");
    }

    private static PGSimpleDataSource postgres(String schema) {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setUrl(PG_URL);
        postgres.setUser(PG_USER);
        postgres.setPassword(PG_PASSWORD);
        postgres.setConnectTimeout(5);
        postgres.setLoginTimeout(5);
        if (schema != null) {
            postgres.setCurrentSchema(schema);
        }
        return postgres;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** A data source on this test's schema whose connections carry an application name (PostgreSQL). */
    DataSource dataSourceNamed(String applicationName) {
        PGSimpleDataSource named = postgres(schema);
        named.setApplicationName(applicationName);
        return named;
    }

    /** A data source whose connections see the database through a schema of views (PostgreSQL). */
    DataSource dataSource(String searchPath) {
        return postgres(searchPath);
    }

    /** The physical file of each table of the schema: a table rewritten gets a new one. */
    Map<String, Long> relfilenodes() throws SQLException {
        Map<String, Long> files = new TreeMap<>();
        for (List<Object> row : rows("SELECT c.relname, c.relfilenode FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = '" + schema + "' AND c.relkind = 'r'")) {
            files.put((String) row.get(0), ((Number) row.get(1)).longValue());
        }
        return files;
    }

    /** The columns of a table or view as an application on the search path sees them, in order. */
    List<String> columns(String searchPath, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (List<Object> row : rows("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                + searchPath + "' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
            columns.add((String) row.get(0));
        }
        return columns;
    }

    boolean postgres() {
        return postgres;
    }

    void execute(String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    long count(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * Everything in the schema that the application could see, as a catalog diff compares it: tables
     * and views with their columns (nullability, type), column defaults, view definitions,
     * constraints (with their definition and whether validated), indexes (with their definition),
     * triggers, functions and sequences. The library's own tables (Liquibase's, the phase table, and
     * on H2 the archives) are left out: on PostgreSQL archives live in a schema of their own.
     */
    TreeSet<String> objects() throws SQLException {
        TreeSet<String> objects = new TreeSet<>();
        String own = " NOT IN ('databasechangelog', 'databasechangeloglock', 'rollback_migration')"
                + (postgres ? " AND %s IS NOT NULL" : " AND lower(%s) NOT LIKE 'rollback_archive_%%'");
        if (postgres) {
            String s = "'" + schema + "'";
            add(objects, "column ", "SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable"
                    + " FROM information_schema.columns WHERE table_schema = " + s + " AND table_name"
                    + own.formatted("table_name"));
            add(objects, "table ", "SELECT table_name || ' ' || table_type FROM information_schema.tables WHERE table_schema = "
                    + s + " AND table_name" + own.formatted("table_name"));
            add(objects, "default ", "SELECT table_name || '.' || column_name || ' ' || column_default"
                    + " FROM information_schema.columns WHERE table_schema = " + s + " AND column_default IS NOT NULL"
                    + " AND table_name" + own.formatted("table_name"));
            add(objects, "view ", "SELECT table_name || ' ' || view_definition FROM information_schema.views"
                    + " WHERE table_schema = " + s);
            add(objects, "sequence ", "SELECT sequence_name || ' ' || data_type || ' ' || increment FROM"
                    + " information_schema.sequences WHERE sequence_schema = " + s);
            add(objects, "constraint ", "SELECT c.conname || ' ' || c.contype::text || ' validated=' || c.convalidated::text"
                    + " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace JOIN pg_class t ON t.oid = c.conrelid"
                    + " WHERE n.nspname = " + s + " AND t.relname" + own.formatted("t.relname"));
            add(objects, "constraint definition ", "SELECT t.relname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c"
                    + " JOIN pg_namespace n ON n.oid = c.connamespace JOIN pg_class t ON t.oid = c.conrelid"
                    + " WHERE n.nspname = " + s + " AND t.relname" + own.formatted("t.relname"));
            add(objects, "index ", "SELECT indexname FROM pg_indexes WHERE schemaname = " + s + " AND tablename"
                    + own.formatted("tablename"));
            add(objects, "index definition ", "SELECT regexp_replace(indexdef, ' ON \\S+\\.', ' ON ') FROM pg_indexes"
                    + " WHERE schemaname = " + s + " AND tablename" + own.formatted("tablename"));
            add(objects, "trigger ", "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " + s + " AND NOT t.tgisinternal");
            add(objects, "function ", "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = " + s);
        } else {
            String s = "'PUBLIC'";
            add(objects, "column ", "SELECT TABLE_NAME || '.' || COLUMN_NAME || ' ' || DATA_TYPE || ' nullable=' || IS_NULLABLE"
                    + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = " + s + " AND lower(TABLE_NAME)"
                    + own.formatted("TABLE_NAME"));
            add(objects, "default ", "SELECT TABLE_NAME || '.' || COLUMN_NAME || ' ' || COLUMN_DEFAULT"
                    + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = " + s + " AND COLUMN_DEFAULT IS NOT NULL"
                    + " AND lower(TABLE_NAME)" + own.formatted("TABLE_NAME"));
            add(objects, "view ", "SELECT TABLE_NAME || ' ' || VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS"
                    + " WHERE TABLE_SCHEMA = " + s);
            add(objects, "sequence ", "SELECT SEQUENCE_NAME FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_SCHEMA = " + s);
            add(objects, "table ", "SELECT TABLE_NAME || ' ' || TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = "
                    + s + " AND lower(TABLE_NAME)" + own.formatted("TABLE_NAME"));
            add(objects, "constraint ", "SELECT CONSTRAINT_NAME || ' ' || CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                    + " WHERE CONSTRAINT_SCHEMA = " + s + " AND lower(TABLE_NAME)" + own.formatted("TABLE_NAME"));
            add(objects, "index ", "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_SCHEMA = " + s
                    + " AND lower(TABLE_NAME)" + own.formatted("TABLE_NAME"));
            add(objects, "trigger ", "SELECT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS WHERE TRIGGER_SCHEMA = " + s);
        }
        return objects;
    }

    /** The version schemas of this test's schema (named after it), PostgreSQL only. */
    List<String> schemas() throws SQLException {
        List<String> schemas = new ArrayList<>();
        if (postgres) {
            for (List<Object> row : rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + schema
                    + "\\_%' ORDER BY nspname")) {
                schemas.add((String) row.get(0));
            }
        }
        return schemas;
    }

    /** The archives of this test's schema in the library's archive schema (PostgreSQL), by name. */
    List<String> archives() throws SQLException {
        List<String> archives = new ArrayList<>();
        if (postgres) {
            for (List<Object> row : rows("SELECT tablename FROM pg_tables WHERE schemaname = 'rollback_archive'"
                    + " AND tablename LIKE '" + schema + "\\_%' ORDER BY tablename")) {
                archives.add((String) row.get(0));
            }
        }
        return archives;
    }

    /** The name of this test's physical schema. */
    String schema() {
        return schema;
    }

    private void add(TreeSet<String> objects, String prefix, String sql) throws SQLException {
        for (List<Object> row : rows(sql)) {
            // H2 renames its primary key index when it rebuilds a table: the name is H2's, not the schema's
            objects.add(prefix + String.valueOf(row.get(0)).toLowerCase(Locale.ROOT).replaceAll("^primary_key_\\w+", "primary_key"));
        }
    }

    @Override
    public void close() throws SQLException {
        if (postgres) {
            try (Connection connection = postgres(null).getConnection(); Statement statement = connection.createStatement()) {
                for (String archive : archives()) {
                    statement.execute("DROP TABLE IF EXISTS rollback_archive." + archive);
                }
                for (String own : schemas()) {
                    statement.execute("DROP SCHEMA IF EXISTS " + own + " CASCADE");
                }
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        } else {
            execute("SHUTDOWN");
        }
    }
}
