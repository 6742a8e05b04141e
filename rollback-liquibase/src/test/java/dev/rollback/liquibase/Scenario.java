package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * One migration scenario of the acceptance suite: a table {@code customer} the OLD app writes (created
 * by release 1's change set, see {@link Releases}), a change log with one expand/contract change type
 * (release 2's change set), what the NEW app writes, and what must hold after expand, rollback, a
 * second expand and contract.
 */
abstract class Scenario {

    String name;
    final String changelog;
    private String customerTable =
            "CREATE TABLE customer (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200), amount INTEGER)";

    Scenario(String name, String changelog) {
        this.name = name;
        this.changelog = changelog;
    }

    @Override
    public String toString() {
        return name;
    }

    /** How many archives of NEW-only values rollback leaves in the library's archive schema (PostgreSQL). */
    int archives(TestDatabase db) {
        return 0;
    }

    /** Whether the scenario runs on a kind of database ({@code h2}, {@code postgresql}). */
    boolean runsOn(String kind) {
        return true;
    }

    List<String> setup() {
        return new ArrayList<>(List.of(customerTable));
    }

    /** The same scenario on a customer table with another key (composite, or none). */
    Scenario keyed(String label, String table) {
        this.name = name + label;
        this.customerTable = table;
        return this;
    }

    /** The OLD app: knows customer(id, name, email, amount). */
    void oldWrite(Connection c, long id) throws SQLException {
        exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@old", (int) id);
        exec(c, "UPDATE customer SET email = ?, amount = amount + 1 WHERE id = ?", "u" + id + "@old", id);
        List<Object> row = one(c, "SELECT name, email, amount FROM customer WHERE id = ?", id);
        expect(row, List.of("n" + id, "u" + id + "@old", (int) id + 1), id);
    }

    /** The NEW app on the expanded schema. */
    abstract void newWrite(Connection c, long id) throws SQLException;

    /** The NEW app on the contracted schema; the same as on the expanded one unless overridden. */
    void newWriteContracted(Connection c, long id) throws SQLException {
        newWrite(c, id);
    }

    void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
    }

    /** After rollback: the old shape holds every value the OLD app wrote and those derived from NEW writes. */
    void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
        checkOldValues(db, oldIds);
    }

    void checkRestored(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
    }

    void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
    }

    String table() {
        return "customer";
    }

    void checkOldValues(TestDatabase db, Set<Long> oldIds) throws SQLException {
        List<List<Object>> rows = db.rows("SELECT id, name, email, amount FROM customer");
        java.util.Map<Long, List<Object>> byId = new java.util.HashMap<>();
        rows.forEach(r -> byId.put(((Number) r.get(0)).longValue(), r));
        for (long id : oldIds) {
            assertThat(byId).as("OLD row %s", id).containsKey(id);
            List<Object> row = byId.get(id);
            assertThat(row.subList(1, 4)).as("OLD row %s", id)
                    .containsExactly("n" + id, "u" + id + "@old", (int) id + 1);
        }
    }

    /**
     * The apps keep their prepared statements per connection, as pools do. On H2 this matters:
     * parsing a statement is not isolated from concurrent DDL, while executing a prepared one waits
     * for it (and re-parses after it).
     */
    private static final Map<Connection, Map<String, PreparedStatement>> STATEMENTS =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** The table as the new version sees it: through its version schema on PostgreSQL. */
    String newShape(TestDatabase db, String table) throws SQLException {
        return db.postgres() ? newSchema(db) + "." + table : table;
    }

    /** The table as the old version sees it: through the previous version's schema on PostgreSQL (see {@link Releases}). */
    String oldShape(TestDatabase db, String table) {
        return db.postgres() ? VersionSchema.name(db.schema(), Releases.FIRST) + "." + table : table;
    }

    /** The new version's schema: that of the change log's last change set. */
    String newSchema(TestDatabase db) {
        List<String> ids = VersionSchema.changeSetIds(changelog);
        return VersionSchema.name(db.schema(), ids.get(ids.size() - 1));
    }

    static boolean postgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    /** Runs a write that the version's rules must refuse. */
    static void refused(Connection c, String sql, Object... parameters) throws SQLException {
        try {
            exec(c, sql, parameters);
        } catch (SQLException expected) {
            return;
        }
        throw new SQLException("accepted, but the rules refuse it: " + sql + " " + List.of(parameters));
    }

    static PreparedStatement prepare(Connection c, String sql) throws SQLException {
        Map<String, PreparedStatement> statements = STATEMENTS.computeIfAbsent(c, k -> new HashMap<>());
        PreparedStatement statement = statements.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = c.prepareStatement(sql);
            statements.put(sql, statement);
        }
        statement.clearParameters();
        return statement;
    }

    static void exec(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = prepare(c, sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        statement.executeUpdate();
    }

    static List<Object> one(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = prepare(c, sql);
        {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("no row for " + List.of(parameters));
                }
                List<Object> values = new ArrayList<>();
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    Object value = row.getObject(i);
                    values.add(value instanceof BigDecimal d ? d.stripTrailingZeros() : value);
                }
                return values;
            }
        }
    }

    static void expect(List<Object> actual, List<Object> expected, long id) throws SQLException {
        if (!actual.equals(expected)) {
            throw new SQLException("row " + id + " read back " + actual + ", expected " + expected);
        }
    }

    static List<Object> values(Object... values) {
        List<Object> list = new ArrayList<>();
        for (Object value : values) {
            list.add(value instanceof BigDecimal d ? d.stripTrailingZeros() : value);
        }
        return list;
    }
}
