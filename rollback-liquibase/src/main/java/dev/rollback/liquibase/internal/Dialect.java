package dev.rollback.liquibase.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What differs between PostgreSQL and H2: catalog queries, triggers, constraints that are not
 * checked on existing rows, concurrent index builds and lock timeouts.
 */
public abstract class Dialect {

    /**
     * Returns the dialect of a connection's database.
     *
     * @param connection the connection
     * @return the dialect
     * @throws SQLException if the database cannot be asked
     * @throws IllegalArgumentException if it is neither PostgreSQL nor H2
     */
    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if (product.toLowerCase(Locale.ROOT).contains("postgres")) {
            return new PostgresDialect();
        }
        if (product.toLowerCase(Locale.ROOT).contains("h2")) {
            return new H2Dialect();
        }
        throw new IllegalArgumentException("expand/contract supports PostgreSQL and H2, not " + product);
    }

    /** @return whether this is PostgreSQL */
    public abstract boolean isPostgres();

    /**
     * @param identifier an unquoted identifier
     * @return it as the catalog stores it
     */
    public abstract String stored(String identifier);

    /**
     * Sets how long the connection's statements wait for a lock.
     *
     * @param connection the connection
     * @param timeout    the timeout, or null for the database default
     * @throws SQLException if it cannot be set
     */
    public abstract void lockTimeout(Connection connection, Duration timeout) throws SQLException;

    /**
     * @param e an error
     * @return whether it says a lock was not granted in time
     */
    public abstract boolean isLockTimeout(SQLException e);

    /**
     * Marks the connection's writes as backfill, so that sync triggers leave them alone, or unmarks it.
     *
     * @param connection the connection, in a transaction on PostgreSQL
     * @param on         whether backfilling
     * @throws SQLException if it cannot be set
     */
    public abstract void backfilling(Connection connection, boolean on) throws SQLException;

    /**
     * Prepares the connection for one DDL statement (H2: pauses the other sessions, which would
     * otherwise fail while H2 rebuilds the table).
     *
     * @param connection the connection
     * @throws SQLException if it cannot
     */
    void beforeDdl(Connection connection) throws SQLException {
    }

    /**
     * Undoes {@link #beforeDdl}.
     *
     * @param connection the connection
     * @throws SQLException if it cannot
     */
    void afterDdl(Connection connection) throws SQLException {
    }

    /**
     * @param newWrite the condition that tells a write of the new version (or a later one) from the
     *                 others ({@code VersionSchemas.newWrite}), or null where there is no version schema
     *                 (then each side is derived from the other when unset)
     * @return the SQL for a trigger function and a trigger that keep the rules, one statement each
     */
    abstract List<String> createSyncTrigger(String table, String helper, List<Rule> rules, String newWrite);

    /** @return the SQL that drops the sync trigger (and its function), if it exists */
    abstract List<String> dropSyncTrigger(String table, String helper);

    /** @return SQL adding a constraint that is checked on new writes but not on existing rows */
    abstract String addConstraintUnchecked(String table, String name, String definition);

    /** @return SQL creating an index without blocking writes where the database can */
    abstract String createIndex(String name, String table, String columns, boolean unique);

    /** @return SQL dropping an index without blocking writes where the database can */
    abstract String dropIndex(String name);

    /** @return SQL making a column NOT NULL */
    abstract String setNotNull(String table, String column);

    /** @return SQL making a column nullable */
    abstract String dropNotNull(String table, String column);

    /** @return whether a column NOT NULL is checked before BEFORE triggers run (H2), so triggers cannot fill it */
    abstract boolean notNullCheckedBeforeTriggers();

    /** @return whether DDL statements can run in one transaction (PostgreSQL) */
    abstract boolean transactionalDdl();

    /**
     * @return whether the expression calls a volatile function (e.g. {@code gen_random_uuid()}), which
     *         PostgreSQL evaluates per row, so a column added with it as default rewrites the table;
     *         false where adding a column is no cheaper without one (H2 rebuilds the table anyway)
     */
    abstract boolean callsVolatileFunction(Connection connection, String expression) throws SQLException;

    /** @return whether an index exists but is not usable (a concurrent build that was interrupted) */
    abstract boolean indexInvalid(Connection connection, String name) throws SQLException;

    /** @return the SQL making a view updatable through its base table, empty where views are updatable already */
    abstract List<String> makeViewUpdatable(String view, String helper);

    /**
     * @param connection the connection
     * @param table      the table
     * @param column     the column
     * @return the column, or null if it does not exist
     * @throws SQLException if the catalog cannot be read
     */
    public abstract ColumnInfo column(Connection connection, String table, String column) throws SQLException;

    /**
     * @param connection the connection
     * @param table      a table or view
     * @return whether it exists in the current schema
     * @throws SQLException if the catalog cannot be read
     */
    public boolean tableExists(Connection connection, String table) throws SQLException {
        return exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                connection.getSchema(), stored(table));
    }

    /**
     * @param connection the connection
     * @param view       a view
     * @return whether it exists in the current schema
     * @throws SQLException if the catalog cannot be read
     */
    public boolean viewExists(Connection connection, String view) throws SQLException {
        return exists(connection, "SELECT 1 FROM information_schema.views WHERE table_schema = ? AND table_name = ?",
                connection.getSchema(), stored(view));
    }

    /**
     * @param connection the connection
     * @param table      the table
     * @param name       the constraint
     * @return whether the table has it
     * @throws SQLException if the catalog cannot be read
     */
    public boolean constraintExists(Connection connection, String table, String name) throws SQLException {
        return exists(connection, "SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = ?"
                + " AND table_name = ? AND constraint_name = ?", connection.getSchema(), stored(table), stored(name));
    }

    /**
     * @param connection the connection
     * @param name       the index
     * @return whether it exists in the current schema
     * @throws SQLException if the catalog cannot be read
     */
    public abstract boolean indexExists(Connection connection, String name) throws SQLException;

    /**
     * @param connection the connection
     * @param table      the table
     * @param column     the column
     * @return whether a unique index (or unique or primary key constraint) covers exactly this column
     * @throws SQLException if the catalog cannot be read
     */
    public abstract boolean uniqueOn(Connection connection, String table, String column) throws SQLException;

    /**
     * @param connection the connection
     * @param name       the trigger
     * @return whether it exists in the current schema
     * @throws SQLException if the catalog cannot be read
     */
    public abstract boolean triggerExists(Connection connection, String name) throws SQLException;

    /**
     * @param connection the connection
     * @param table      the table
     * @return its primary key columns in order, empty if none
     * @throws SQLException if the catalog cannot be read
     */
    public List<String> primaryKey(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet keys = connection.getMetaData().getPrimaryKeys(null, connection.getSchema(), stored(table))) {
            List<String[]> found = new ArrayList<>();
            while (keys.next()) {
                found.add(new String[] {keys.getString("COLUMN_NAME"), String.valueOf(keys.getShort("KEY_SEQ"))});
            }
            found.sort((x, y) -> Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1])));
            found.forEach(key -> columns.add(key[0]));
        }
        return columns;
    }

    /**
     * @param connection the connection
     * @param table      a table without a primary key
     * @return the columns of its narrowest unique index on NOT NULL columns (H2: {@code _ROWID_}), empty if none
     * @throws SQLException if the catalog cannot be read
     */
    public abstract List<String> uniqueNotNullKey(Connection connection, String table) throws SQLException;

    static boolean exists(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static String triggerName(String helper) {
        return "rb_trg_" + helper;
    }

    static String functionName(String helper) {
        return "rb_fn_" + helper;
    }
}
