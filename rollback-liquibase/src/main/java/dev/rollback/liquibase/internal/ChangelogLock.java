package dev.rollback.liquibase.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Liquibase's change log lock seen from outside the update that holds it. Liquibase 4.33 keeps the lock
 * as a row of {@value #TABLE} and does not look at who holds it: a process killed during an update leaves
 * it held, and every later update waits for it (5 minutes by default) and then fails. So each expand,
 * contract and rollback step records in the phase table the database session of the update it runs in
 * (if one runs it) and the lock's grant time (as
 * the database wrote it): a lock granted at that time to a session that is gone belongs to an update
 * that died, and nothing runs under it any more.
 */
public final class ChangelogLock {

    /** Liquibase's lock table (its default name, in the connection's schema). */
    static final String TABLE = "databasechangeloglock";

    private ChangelogLock() {
    }

    /** Who holds the lock, as far as the database can tell. */
    public enum Holder {
        /** An update whose expand step recorded a session that is gone: the process died. */
        GONE,
        /** An update whose expand step recorded a session that is still connected. */
        CONNECTED,
        /** An update that recorded nothing (plain Liquibase, or no expand step ran under this lock yet). */
        UNKNOWN
    }

    /**
     * The lock, held.
     *
     * @param lockedBy  Liquibase's name of the holder (host and address)
     * @param since     when it was granted, as the database wrote it
     * @param holder    whether the holder's session is gone
     * @param migration the migration the holder last worked on, if it recorded one
     */
    public record Held(String lockedBy, String since, Holder holder, @Nullable String migration) {

        /** @return whether nothing runs under the lock any more, so that releasing it is safe */
        public boolean orphaned() {
            return holder == Holder.GONE;
        }

        /** @return the lock's state in words, with what to do about it */
        public String describe() {
            String held = "Liquibase's change log lock is held by " + lockedBy + " since " + since;
            return switch (holder) {
                case GONE -> held + " by an update whose database session is gone (its process died while it worked on "
                        + migration + "); expand, contract and rollback release it, as does release-locks";
                case CONNECTED -> held + " by an update that is still connected (working on " + migration
                        + "); it is released when that update ends";
                case UNKNOWN -> held + " by an update that did not say which session it runs in; if no update runs, release"
                        + " it with release-locks (or liquibase release-locks)";
            };
        }
    }

    /** Adds the columns a phase table made by an earlier version lacks. */
    static void addColumns(Connection connection) throws SQLException {
        Dialect dialect = Dialect.of(connection);
        for (String column : new String[] {"step_session", "step_lock"}) {
            if (dialect.column(connection, PhaseTable.TABLE, column) == null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER TABLE " + PhaseTable.TABLE + " ADD COLUMN " + column + " VARCHAR(64)");
                }
            }
        }
    }

    /**
     * Records, on the connection of the Liquibase update that runs a step, its session and the grant
     * time of the lock it holds (none outside an update).
     *
     * @param connection the update's connection, in auto-commit
     * @param id         the migration
     * @throws SQLException if the phase table cannot be written
     */
    static void recordStep(Connection connection, String id) throws SQLException {
        Dialect dialect = Dialect.of(connection);
        String grant = null;
        if (dialect.tableExists(connection, TABLE)) {
            grant = text(connection, "SELECT CAST(lockgranted AS VARCHAR(64)) FROM " + TABLE + " WHERE id = 1 AND locked");
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + PhaseTable.TABLE
                + " SET step_session = ?, step_lock = ? WHERE id = ?")) {
            update.setString(1, text(connection, dialect.isPostgres() ? "SELECT CAST(pg_backend_pid() AS VARCHAR(64))"
                    : "SELECT CAST(SESSION_ID() AS VARCHAR(64))"));
            update.setString(2, grant);
            update.setString(3, id);
            update.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @return the lock if it is held, with whether its holder's session is gone
     * @throws SQLException if the catalog or the lock cannot be read
     */
    public static Optional<Held> held(Connection connection) throws SQLException {
        Dialect dialect = Dialect.of(connection);
        if (!dialect.tableExists(connection, TABLE)) {
            return Optional.empty();
        }
        String lockedBy;
        String since;
        try (Statement statement = connection.createStatement(); ResultSet lock = statement.executeQuery(
                "SELECT lockedby, CAST(lockgranted AS VARCHAR(64)) FROM " + TABLE + " WHERE id = 1 AND locked")) {
            if (!lock.next()) {
                return Optional.empty();
            }
            lockedBy = String.valueOf(lock.getString(1));
            since = String.valueOf(lock.getString(2));
        }
        if (!PhaseTable.exists(connection) || dialect.column(connection, PhaseTable.TABLE, "step_lock") == null) {
            // no expand step recorded anything (or only one of a version that did not record)
            return Optional.of(new Held(lockedBy, since, Holder.UNKNOWN, null));
        }
        try (PreparedStatement query = connection.prepareStatement("SELECT id, step_session FROM " + PhaseTable.TABLE
                + " WHERE step_lock = ? AND step_session IS NOT NULL ORDER BY updated_at DESC")) {
            query.setString(1, since);
            try (ResultSet step = query.executeQuery()) {
                if (!step.next()) {
                    return Optional.of(new Held(lockedBy, since, Holder.UNKNOWN, null));
                }
                boolean connected = Dialect.exists(connection, dialect.isPostgres()
                        ? "SELECT 1 FROM pg_stat_activity WHERE CAST(pid AS VARCHAR(64)) = ?"
                        : "SELECT 1 FROM INFORMATION_SCHEMA.SESSIONS WHERE CAST(SESSION_ID AS VARCHAR(64)) = ?",
                        step.getString(2));
                return Optional.of(new Held(lockedBy, since, connected ? Holder.CONNECTED : Holder.GONE, step.getString(1)));
            }
        }
    }

    /**
     * Releases the lock, as {@code liquibase release-locks} does.
     *
     * @param connection a connection (committed if it is not in auto-commit)
     * @param grantedAt  release it only if it is still the lock granted then ({@link Held#since()}), so
     *                   that a lock another update took in the meantime stays; null: whoever holds it
     * @return whether it was held (and released)
     * @throws SQLException if it cannot be written
     */
    public static boolean release(Connection connection, @Nullable String grantedAt) throws SQLException {
        if (!Dialect.of(connection).tableExists(connection, TABLE)) {
            return false;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET locked = FALSE,"
                + " lockgranted = NULL, lockedby = NULL WHERE id = 1 AND locked"
                + (grantedAt == null ? "" : " AND CAST(lockgranted AS VARCHAR(64)) = ?"))) {
            if (grantedAt != null) {
                update.setString(1, grantedAt);
            }
            boolean released = update.executeUpdate() > 0;
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return released;
        }
    }

    private static @Nullable String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
