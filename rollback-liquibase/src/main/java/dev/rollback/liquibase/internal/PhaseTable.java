package dev.rollback.liquibase.internal;

import dev.rollback.liquibase.MigrationPhase;
import dev.rollback.liquibase.MigrationStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The phase table: one row per expand/contract migration with its spec, so that contract and
 * rollback can run from any version, and its phase, so that a half-done step is finished or undone.
 */
public final class PhaseTable {

    /** The table's name. */
    public static final String TABLE = "rollback_migration";

    private static final String COLUMNS = "id, seq, cs_path, cs_id, cs_author, change_type, table_name, spec, phase,"
            + " service_version, expanded_at, updated_at, helper";

    private PhaseTable() {
    }

    /**
     * One row.
     *
     * @param id             the migration id
     * @param seq            the order in which migrations were first expanded
     * @param ref            the change set
     * @param spec           what it asks for, with the facts found at its first expand
     * @param phase          where it stands
     * @param serviceVersion the version that expanded it, or null
     * @param expandedAt     when its expand finished, or null
     * @param updatedAt      when its phase last changed
     * @param helper         the suffix of its helper objects' names
     */
    public record Row(String id, long seq, ChangeSetRef ref, MigrationSpec spec, MigrationPhase phase,
                      String serviceVersion, Instant expandedAt, Instant updatedAt, String helper) {

        /** @return the row as the public status */
        public MigrationStatus status() {
            return new MigrationStatus(id, ref.toString(), spec.kind().changeName(), spec.table(), phase, serviceVersion,
                    expandedAt, updatedAt);
        }
    }

    /**
     * Creates the table if it does not exist.
     *
     * @param connection a connection in auto-commit
     * @throws SQLException if it cannot
     */
    public static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "id VARCHAR(1200) NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, cs_path VARCHAR(1000) NOT NULL,"
                    + " cs_id VARCHAR(255) NOT NULL, cs_author VARCHAR(255) NOT NULL, change_type VARCHAR(64) NOT NULL,"
                    + " table_name VARCHAR(255) NOT NULL, spec VARCHAR(8000) NOT NULL, phase VARCHAR(32) NOT NULL,"
                    + " service_version VARCHAR(255), expanded_at TIMESTAMP WITH TIME ZONE,"
                    + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL, helper VARCHAR(16) NOT NULL,"
                    + " step_session VARCHAR(64), step_lock VARCHAR(64))");
        }
        ChangelogLock.addColumns(connection);
    }

    /**
     * @param connection a connection
     * @return whether the table exists
     * @throws SQLException if the catalog cannot be read
     */
    public static boolean exists(Connection connection) throws SQLException {
        return Dialect.of(connection).tableExists(connection, TABLE);
    }

    /**
     * @param connection a connection
     * @param id         a migration id
     * @return its row, if any
     * @throws SQLException if it cannot be read
     */
    public static Optional<Row> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(row(rows)) : Optional.empty();
            }
        }
    }

    /**
     * @param connection a connection
     * @return every row, in the order first expanded; empty if the table does not exist
     * @throws SQLException if it cannot be read
     */
    public static List<Row> all(Connection connection) throws SQLException {
        List<Row> all = new ArrayList<>();
        if (!exists(connection)) {
            return all;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY seq")) {
            while (rows.next()) {
                all.add(row(rows));
            }
        }
        return all;
    }

    /**
     * Inserts a new row.
     *
     * @param connection a connection in auto-commit
     * @param row        the row; its seq is ignored and assigned
     * @throws SQLException if it cannot be written
     */
    public static void insert(Connection connection, Row row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " (" + COLUMNS + ")"
                + " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM " + TABLE)) {
            insert.setString(1, row.id());
            insert.setString(2, row.ref().path());
            insert.setString(3, row.ref().id());
            insert.setString(4, row.ref().author());
            insert.setString(5, row.spec().kind().changeName());
            insert.setString(6, row.spec().table());
            insert.setString(7, row.spec().encode());
            insert.setString(8, row.phase().name());
            insert.setString(9, row.serviceVersion());
            insert.setTimestamp(10, row.expandedAt() == null ? null : Timestamp.from(row.expandedAt()));
            insert.setTimestamp(11, Timestamp.from(row.updatedAt()));
            insert.setString(12, row.helper());
            insert.executeUpdate();
        }
    }

    /**
     * Updates the phase (and the spec, version and expand time) of a row.
     *
     * @param connection a connection in auto-commit
     * @param row        the row as it is to be
     * @throws SQLException if it cannot be written
     */
    public static void update(Connection connection, Row row) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                + " SET phase = ?, spec = ?, service_version = ?, expanded_at = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, row.phase().name());
            update.setString(2, row.spec().encode());
            update.setString(3, row.serviceVersion());
            update.setTimestamp(4, row.expandedAt() == null ? null : Timestamp.from(row.expandedAt()));
            update.setTimestamp(5, Timestamp.from(row.updatedAt()));
            update.setString(6, row.id());
            update.executeUpdate();
        }
    }

    private static Row row(ResultSet rows) throws SQLException {
        Timestamp expanded = rows.getTimestamp("expanded_at");
        return new Row(rows.getString("id"), rows.getLong("seq"),
                new ChangeSetRef(rows.getString("cs_path"), rows.getString("cs_id"), rows.getString("cs_author")),
                MigrationSpec.decode(rows.getString("spec")), MigrationPhase.valueOf(rows.getString("phase")),
                rows.getString("service_version"), expanded == null ? null : expanded.toInstant(),
                rows.getTimestamp("updated_at").toInstant(), rows.getString("helper"));
    }
}
