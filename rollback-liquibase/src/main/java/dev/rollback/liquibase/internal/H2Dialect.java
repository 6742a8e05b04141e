package dev.rollback.liquibase.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2: sync triggers are Java classes ({@link H2SyncTrigger}, {@link H2ViewTrigger}), constraints
 * {@code NOCHECK}, {@code LOCK_TIMEOUT}. H2 checks NOT NULL before BEFORE triggers run, so a column
 * a trigger must fill is made nullable for the expand and guarded by a NOT NULL check instead.
 */
final class H2Dialect extends Dialect {

    private static final Logger LOG = LoggerFactory.getLogger(H2Dialect.class);

    /** H2's error code for a lock not granted in time (ErrorCode.LOCK_TIMEOUT_1). */
    private static final int LOCK_TIMEOUT = 50200;
    /** H2's error code for a deadlock (ErrorCode.DEADLOCK_1): the statement is retried like a lock timeout. */
    private static final int DEADLOCK = 40001;
    /** H2's default lock timeout, restored after a step. */
    private static final long DEFAULT_LOCK_TIMEOUT_MS = 10_000;
    /** How long at most DDL waits for other sessions' running statements to finish. */
    private static final long DRAIN_NANOS = 2_000_000_000L;
    /** How many checks in a row must find no other statement running. */
    private static final int DRAIN_IDLE_CHECKS = 6;

    /** Whether this user may switch H2 to exclusive mode (admin rights); found out at the first DDL. */
    private boolean exclusiveAllowed = true;

    @Override
    public boolean isPostgres() {
        return false;
    }

    @Override
    public String stored(String identifier) {
        return identifier.toUpperCase(Locale.ROOT);
    }

    @Override
    public void lockTimeout(Connection connection, Duration timeout) throws SQLException {
        execute(connection, "SET LOCK_TIMEOUT " + (timeout == null ? DEFAULT_LOCK_TIMEOUT_MS : timeout.toMillis()));
    }

    @Override
    public boolean isLockTimeout(SQLException e) {
        return e.getErrorCode() == LOCK_TIMEOUT || e.getErrorCode() == DEADLOCK;
    }

    @Override
    public void backfilling(Connection connection, boolean on) throws SQLException {
        execute(connection, "SET @rollback_backfill = " + (on ? "TRUE" : "FALSE"));
    }

    /**
     * H2 rebuilds a table for many ALTER TABLE statements, and another session's statement on it
     * fails meanwhile ("table not found"). In exclusive mode the other sessions' statements wait
     * instead (new connections are refused for that moment); it needs admin rights.
     */
    @Override
    void beforeDdl(Connection connection) throws SQLException {
        if (!exclusiveAllowed) {
            return;
        }
        try {
            execute(connection, "SET EXCLUSIVE 1");
        } catch (SQLException e) {
            // not an admin: DDL runs without pausing the other sessions
            exclusiveAllowed = false;
            LOG.warn("H2 refused exclusive mode ({}); expand/contract DDL runs without pausing other sessions, whose"
                    + " statements may fail meanwhile. Migrate as an admin user to avoid it.", e.getMessage());
            return;
        }
        // statements already running are not paused: let them finish before the table changes under them
        // (idle for several checks in a row, for a statement that passed the exclusive check just before it
        // was set and has not shown up yet)
        long deadline = System.nanoTime() + DRAIN_NANOS;
        int idle = 0;
        while (idle < DRAIN_IDLE_CHECKS && System.nanoTime() < deadline) {
            // a statement whose trigger runs a query shows no statement meanwhile, but holds its table lock
            idle = exists(connection, "SELECT 1 FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()"
                    + " AND EXECUTING_STATEMENT IS NOT NULL UNION ALL SELECT 1 FROM INFORMATION_SCHEMA.LOCKS"
                    + " WHERE SESSION_ID <> SESSION_ID()") ? 0 : idle + 1;
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
        }
    }

    @Override
    void afterDdl(Connection connection) throws SQLException {
        if (exclusiveAllowed) {
            execute(connection, "SET EXCLUSIVE 0");
        }
    }

    @Override
    List<String> createSyncTrigger(String table, String helper, List<Rule> rules, String newWrite) {
        return List.of("CREATE TRIGGER IF NOT EXISTS " + triggerName(helper) + " BEFORE INSERT, UPDATE ON " + table
                + " FOR EACH ROW CALL '" + H2SyncTrigger.class.getName() + "'");
    }

    @Override
    List<String> dropSyncTrigger(String table, String helper) {
        return List.of("DROP TRIGGER IF EXISTS " + triggerName(helper));
    }

    @Override
    String addConstraintUnchecked(String table, String name, String definition) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + definition + " NOCHECK";
    }

    @Override
    String createIndex(String name, String table, String columns, boolean unique) {
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " + name + " ON " + table + " (" + columns + ")";
    }

    @Override
    String dropIndex(String name) {
        return "DROP INDEX IF EXISTS " + name;
    }

    @Override
    String setNotNull(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NOT NULL";
    }

    @Override
    String dropNotNull(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET NULL";
    }

    @Override
    boolean notNullCheckedBeforeTriggers() {
        return true;
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    @Override
    boolean callsVolatileFunction(Connection connection, String expression) {
        return false; // H2 rebuilds the table for any added column
    }

    @Override
    boolean indexInvalid(Connection connection, String name) {
        return false;
    }

    @Override
    List<String> makeViewUpdatable(String view, String helper) {
        return List.of("CREATE TRIGGER IF NOT EXISTS " + triggerName(helper) + " INSTEAD OF INSERT, UPDATE, DELETE ON "
                + view + " FOR EACH ROW CALL '" + H2ViewTrigger.class.getName() + "'");
    }

    @Override
    public ColumnInfo column(Connection connection, String table, String column) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE,"
                        + " COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND COLUMN_NAME = ?")) {
            query.setString(1, connection.getSchema());
            query.setString(2, stored(table));
            query.setString(3, stored(column));
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new ColumnInfo(typeOf(row.getString(1), row.getObject(2), row.getObject(3), row.getObject(4)),
                        "NO".equals(row.getString(5)), row.getString(6) != null);
            }
        }
    }

    /** A column's type as SQL from INFORMATION_SCHEMA.COLUMNS. */
    static String typeOf(String dataType, Object length, Object precision, Object scale) {
        if (length != null && (dataType.contains("CHAR") || dataType.contains("BINARY"))) {
            return dataType + "(" + length + ")";
        }
        if (precision != null && (dataType.equals("NUMERIC") || dataType.equals("DECIMAL"))) {
            return dataType + "(" + precision + (scale == null ? "" : ", " + scale) + ")";
        }
        return dataType;
    }

    @Override
    public boolean uniqueOn(Connection connection, String table, String column) throws SQLException {
        return exists(connection, "SELECT 1 FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c"
                + " ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME WHERE i.INDEX_SCHEMA = ?"
                + " AND i.TABLE_NAME = ? AND c.COLUMN_NAME = ? AND i.INDEX_TYPE_NAME IN ('UNIQUE INDEX', 'PRIMARY KEY')"
                + " AND (SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS x WHERE x.INDEX_SCHEMA = i.INDEX_SCHEMA"
                + " AND x.INDEX_NAME = i.INDEX_NAME) = 1", connection.getSchema(), stored(table), stored(column));
    }

    @Override
    public boolean indexExists(Connection connection, String name) throws SQLException {
        return exists(connection, "SELECT 1 FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ?",
                connection.getSchema(), stored(name));
    }

    @Override
    public boolean triggerExists(Connection connection, String name) throws SQLException {
        return exists(connection, "SELECT 1 FROM INFORMATION_SCHEMA.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?",
                connection.getSchema(), stored(name));
    }

    @Override
    public List<String> uniqueNotNullKey(Connection connection, String table) {
        return List.of("_ROWID_"); // H2's row id: stable for the life of the row
    }
}
