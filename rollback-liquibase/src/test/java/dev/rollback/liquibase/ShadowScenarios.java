package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Acceptance scenarios of rules over several columns, which on PostgreSQL go on one shadow column
 * per column of the rule, while the OLD app keeps writing values the rule refuses. Each derives from
 * pgroll's tests of the same rule, named on the scenario.
 */
final class ShadowScenarios {

    /** Added to an id: a row of the OLD or NEW app with a NULL in one column of the rule. */
    private static final long PARTIAL = 10_000_000L;
    /** Added to an id: a purchase of a customer the OLD app deleted right after. */
    private static final long ORPHAN = 20_000_000L;

    private ShadowScenarios() {
    }

    static List<Scenario> all() {
        return List.of(new CompositeForeignKey(), new CompositeUnique());
    }

    /** A scenario whose rule is on a second table, created beside the customer table. */
    abstract static class OnTable extends Scenario {
        private final String create;

        OnTable(String name, String changelog, String create) {
            super(name, changelog);
            this.create = create;
        }

        @Override
        List<String> setup() {
            List<String> setup = super.setup();
            setup.add(create);
            return setup;
        }
    }

    /** The rows of a table by id, each with the columns that follow the id in {@code columns}. */
    static Map<Long, List<Object>> byId(TestDatabase db, String table, String columns) throws SQLException {
        Map<Long, List<Object>> rows = new HashMap<>();
        for (List<Object> row : db.rows("SELECT id, " + columns + " FROM " + table)) {
            rows.put(((Number) row.get(0)).longValue(), row.subList(1, row.size()));
        }
        return rows;
    }

    /**
     * purchase (region, customer_id) references customer (region, id), whose key has two columns. The
     * OLD app writes, for each customer, a purchase of it, a dangling one, one with a NULL region, and
     * one of a second customer that it deletes right after (the rule must not refuse the delete).
     * From pgroll's {@code pkg/migrations/op_create_constraint_test.go} ("create foreign key constraint
     * on multiple columns": the old schema accepts violating rows, the new one refuses them) and
     * {@code op_set_fk_test.go} (a dangling reference is NULL for the new version, as pgroll's {@code up}
     * maps it there); a row with a NULL in one column is not checked (MATCH SIMPLE, PostgreSQL's
     * default, which pgroll keeps) and keeps its values for both versions.
     */
    static final class CompositeForeignKey extends OnTable {
        CompositeForeignKey() {
            super("compositeForeignKey", "scenarios/add-composite-foreign-key.yaml",
                    "CREATE TABLE purchase (id BIGINT PRIMARY KEY, region INTEGER, customer_id BIGINT, total INTEGER)");
            keyed("", Scenarios.COMPOSITE_KEY);
        }

        @Override
        void oldWrite(Connection c, long id) throws SQLException {
            super.oldWrite(c, id);
            insert(c, id, 1, id, 10);
            insert(c, id + PARTIAL, null, -id, 10);
            if (postgres(c)) {
                // a dangling reference, and the delete of a customer still referenced, which the OLD version
                // allows: the new rule must never refuse them
                insert(c, -id, 1, -id, 10);
                exec(c, "INSERT INTO customer (region, id, name, email, amount) VALUES (2, ?, 'x', 'x', 0)", id);
                insert(c, id + ORPHAN, 2, id, 10);
                exec(c, "DELETE FROM customer WHERE region = 2 AND id = ?", id);
            }
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            insert(c, id, 1, id, 20);
            insert(c, id + PARTIAL, null, -id, 20);
            refused(c, "INSERT INTO purchase (id, region, customer_id, total) VALUES (?, ?, ?, ?)", -id, 1, -id, 20);
            refused(c, "UPDATE purchase SET region = 2 WHERE id = ?", id);
            refused(c, "DELETE FROM customer WHERE region = 1 AND id = ?", id);
        }

        private static void insert(Connection c, long id, Integer region, long customer, int total) throws SQLException {
            exec(c, "INSERT INTO purchase (id, region, customer_id, total) VALUES (?, ?, ?, ?)", id, region, customer, total);
        }

        /** Row by row, what the new version sees: the dangling references NULL in both columns, the rest as written. */
        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            Map<Long, List<Object>> rows = byId(db, newShape(db, "purchase"), "region, customer_id, total");
            for (long id : oldIds) {
                assertThat(rows.get(id)).as("purchase %s", id).containsExactly(1, id, 10);
                assertThat(rows.get(id + PARTIAL)).as("purchase %s", id + PARTIAL).containsExactly(null, -id, 10);
                if (db.postgres()) {
                    assertThat(rows.get(-id)).as("dangling purchase %s", -id).containsExactly(null, null, 10);
                    assertThat(rows.get(id + ORPHAN)).as("orphaned purchase %s", id + ORPHAN).containsExactly(null, null, 10);
                }
            }
            checkNewRows(rows, newIds);
        }

        /** Row by row, the physical table holds every value the OLD app wrote and those the NEW app wrote. */
        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            Map<Long, List<Object>> rows = byId(db, "purchase", "region, customer_id, total");
            assertThat(rows).hasSize(oldIds.size() * (db.postgres() ? 4 : 2) + newIds.size() * 2);
            for (long id : oldIds) {
                assertThat(rows.get(id)).as("purchase %s", id).containsExactly(1, id, 10);
                assertThat(rows.get(id + PARTIAL)).as("purchase %s", id + PARTIAL).containsExactly(null, -id, 10);
                if (db.postgres()) {
                    assertThat(rows.get(-id)).as("dangling purchase %s", -id).containsExactly(1, -id, 10);
                    assertThat(rows.get(id + ORPHAN)).as("orphaned purchase %s", id + ORPHAN).containsExactly(2, id, 10);
                }
            }
            checkNewRows(rows, newIds);
        }

        private static void checkNewRows(Map<Long, List<Object>> rows, Set<Long> newIds) {
            for (long id : newIds) {
                assertThat(rows.get(id)).as("purchase %s", id).containsExactly(1, id, 20);
                assertThat(rows.get(id + PARTIAL)).as("purchase %s", id + PARTIAL).containsExactly(null, -id, 20);
                assertThat(rows).as("refused purchase %s", -id).doesNotContainKey(-id);
            }
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).anyMatch(o -> o.startsWith("constraint fk_purchase_customer")
                    && !o.contains("validated=false"));
            checkExpanded(db, oldIds, newIds);
        }
    }

    /**
     * account (region, login) unique. The OLD app writes, for each id, an account, a duplicate of it
     * (at the next key, so the backfill meets both in one batch) and one with a NULL region.
     * From pgroll's {@code pkg/migrations/op_create_constraint_test.go} ("create unique constraint on
     * multiple columns": the old schema accepts duplicates, the new one refuses them) and
     * {@code op_set_unique_test.go}: pgroll's {@code up} maps an old duplicate to a value of the new
     * version's; ours maps it to NULL, which a unique rule lets repeat, so exactly one row of each
     * pair holds the value for the new version.
     */
    static final class CompositeUnique extends OnTable {
        CompositeUnique() {
            super("compositeUnique", "scenarios/add-composite-unique.yaml",
                    "CREATE TABLE account (id BIGINT PRIMARY KEY, region INTEGER, login VARCHAR(50))");
        }

        @Override
        void oldWrite(Connection c, long id) throws SQLException {
            super.oldWrite(c, id);
            insert(c, 2 * id, 1, "l" + id);
            if (postgres(c)) {
                // a duplicate, which the OLD version allows: the new rule must never refuse it
                insert(c, 2 * id + 1, 1, "l" + id);
            }
            insert(c, id + PARTIAL, null, "l" + id);
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            insert(c, 2 * id, 1, "n" + id);
            insert(c, id + PARTIAL, null, "n" + id);
            refused(c, "INSERT INTO account (id, region, login) VALUES (?, ?, ?)", 2 * id + 1, 1, "n" + id);
        }

        private static void insert(Connection c, long id, Integer region, String login) throws SQLException {
            exec(c, "INSERT INTO account (id, region, login) VALUES (?, ?, ?)", id, region, login);
        }

        /** Row by row, what the new version sees: one row of each OLD pair keeps the value, the other is NULL. */
        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            Map<Long, List<Object>> rows = byId(db, newShape(db, "account"), "region, login");
            List<Object> nulls = Arrays.asList(null, null);
            for (long id : oldIds) {
                List<Object> value = List.of(1, "l" + id);
                if (db.postgres()) {
                    List<List<Object>> pair = new ArrayList<>(List.of(rows.get(2 * id), rows.get(2 * id + 1)));
                    assertThat(pair).as("accounts %s and %s", 2 * id, 2 * id + 1).containsExactlyInAnyOrder(value, nulls);
                } else {
                    assertThat(rows.get(2 * id)).as("account %s", 2 * id).isEqualTo(value);
                }
                assertThat(rows.get(id + PARTIAL)).as("account %s", id + PARTIAL).containsExactly(null, "l" + id);
            }
            checkNewRows(rows, newIds);
        }

        /** Row by row, the physical table holds every value the OLD app wrote, duplicates included, and the NEW app's. */
        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            Map<Long, List<Object>> rows = byId(db, "account", "region, login");
            assertThat(rows).hasSize(oldIds.size() * (db.postgres() ? 3 : 2) + newIds.size() * 2);
            for (long id : oldIds) {
                assertThat(rows.get(2 * id)).as("account %s", 2 * id).containsExactly(1, "l" + id);
                if (db.postgres()) {
                    assertThat(rows.get(2 * id + 1)).as("duplicate account %s", 2 * id + 1).containsExactly(1, "l" + id);
                }
                assertThat(rows.get(id + PARTIAL)).as("account %s", id + PARTIAL).containsExactly(null, "l" + id);
            }
            checkNewRows(rows, newIds);
        }

        private static void checkNewRows(Map<Long, List<Object>> rows, Set<Long> newIds) {
            for (long id : newIds) {
                assertThat(rows.get(2 * id)).as("account %s", 2 * id).containsExactly(1, "n" + id);
                assertThat(rows.get(id + PARTIAL)).as("account %s", id + PARTIAL).containsExactly(null, "n" + id);
                assertThat(rows).as("refused account %s", 2 * id + 1).doesNotContainKey(2 * id + 1);
            }
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).anyMatch(o -> o.startsWith("constraint uq_account_region_login"));
            checkExpanded(db, oldIds, newIds);
        }
    }
}
