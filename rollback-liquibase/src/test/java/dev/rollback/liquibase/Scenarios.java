package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The acceptance scenarios, one per change type, each derived from the before/after assertions of
 * one of pgroll's operation tests ({@code pkg/migrations/op_*_test.go} of xataio/pgroll, named on each
 * scenario): what the old and the new version read and write after start, after rollback and after
 * complete, in our own code and words.
 */
final class Scenarios {

    /** A customer table whose primary key has two columns; the apps never name the first. */
    static final String COMPOSITE_KEY = "CREATE TABLE customer (region INTEGER DEFAULT 1 NOT NULL, id BIGINT NOT NULL,"
            + " name VARCHAR(100) NOT NULL, email VARCHAR(200), amount INTEGER, PRIMARY KEY (region, id))";
    /** A customer table without any key: backfilled by ctid ranges on PostgreSQL, by _ROWID_ on H2. */
    static final String KEYLESS = "CREATE TABLE customer (id BIGINT, name VARCHAR(100) NOT NULL, email VARCHAR(200),"
            + " amount INTEGER)";

    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(new AddColumn(), new RenameColumn(), new ChangeColumnType(), new DropColumn(), new AddNotNull(),
                new CreateIndex(), new CreateTable(), new AddForeignKey(), new AddCheck(), new AddUnique(),
                new RenameTable(), new DropTable(), new DropIndex(), new DropNotNull(), new CreatePartialIndex(),
                new AddColumnVolatileDefault(), new SetDefault(), new RawSql(),
                new ChangeColumnType().keyed("CompositeKey", COMPOSITE_KEY), new AddColumn().keyed("CompositeKey", COMPOSITE_KEY),
                new AddCheck().keyed("CompositeKey", COMPOSITE_KEY), new AddNotNull().keyed("Keyless", KEYLESS),
                new RenameColumn().keyed("Keyless", KEYLESS), new AddCheck().keyed("Keyless", KEYLESS));
    }

    static String ids(Set<Long> ids) {
        return ids.isEmpty() ? "(-1)" : "(" + String.join(", ", ids.stream().map(String::valueOf).toList()) + ")";
    }

    /**
     * Nullable, NOT NULL with a fill expression, NOT NULL with a default.
     * From pgroll's {@code pkg/migrations/op_add_column_test.go}.
     */
    static final class AddColumn extends Scenario {
        AddColumn() {
            super("addColumn", "scenarios/add-column.yaml");
        }

        @Override
        int archives(TestDatabase db) {
            return db.postgres() ? 3 : 0;
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount, nickname, status, score) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id, "n" + id, "e" + id + "@new", 5, "nick" + id, "vip", 7);
            exec(c, "UPDATE customer SET nickname = ? WHERE id = ?", "nick2-" + id, id);
            expect(one(c, "SELECT nickname, status, score FROM customer WHERE id = ?", id), List.of("nick2-" + id, "vip", 7), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(oldIds)
                    + " AND (status <> 'active' OR score <> 0 OR nickname IS NOT NULL)")).isZero();
            checkNewValues(db, newIds);
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND name = 'n' || id"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkRestored(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            checkNewValues(db, newIds);
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("column customer.status character varying nullable=no",
                    "column customer.score integer nullable=no");
            checkNewValues(db, newIds);
        }

        private static void checkNewValues(TestDatabase db, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds)
                    + " AND nickname = 'nick2-' || id AND status = 'vip' AND score = 7")).isEqualTo(newIds.size());
        }
    }

    /**
     * email becomes email_address: on PostgreSQL an alias in the new version's schema, nothing physical
     * until contract; on H2 a second column kept in sync.
     * From pgroll's {@code pkg/migrations/op_rename_column_test.go}.
     */
    static final class RenameColumn extends Scenario {
        RenameColumn() {
            super("renameColumn", "scenarios/rename-column.xml");
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email_address, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            exec(c, "UPDATE customer SET email_address = ? WHERE id = ?", "u" + id + "@new", id);
            expect(one(c, "SELECT email_address FROM customer WHERE id = ?", id), List.of("u" + id + "@new"), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            if (!db.postgres()) {
                assertThat(db.count("SELECT COUNT(*) FROM customer WHERE email IS DISTINCT FROM email_address")).isZero();
                return;
            }
            // an alias in the new version's schema: no second column, no trigger; the NEW app's values are in email
            assertThat(db.objects()).noneMatch(o -> o.startsWith("column customer.email_address ")
                    || o.startsWith("trigger ") || o.startsWith("function "));
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND email = 'u' || id || '@new'"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND email = 'u' || id || '@new'"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(oldIds)
                    + " AND email_address = 'u' || id || '@old'")).isEqualTo(oldIds.size());
            assertThat(db.objects()).noneMatch(o -> o.startsWith("column customer.email "));
        }
    }

    /**
     * amount INTEGER (cents) becomes amount_dec NUMERIC(12, 2).
     * From pgroll's {@code pkg/migrations/op_change_type_test.go}.
     */
    static final class ChangeColumnType extends Scenario {
        ChangeColumnType() {
            super("changeColumnType", "scenarios/change-column-type.yaml");
        }

        @Override
        int archives(TestDatabase db) {
            return db.postgres() ? 1 : 0;
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount_dec) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id, new BigDecimal("12.34"));
            exec(c, "UPDATE customer SET amount_dec = ? WHERE id = ?", new BigDecimal("56.78"), id);
            expect(one(c, "SELECT amount_dec FROM customer WHERE id = ?", id), values(new BigDecimal("56.78")), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE amount_dec * 100 <> amount")).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND amount = 5678"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND amount = 5678"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkRestored(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND amount_dec = 56.78"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(oldIds) + " AND amount_dec * 100 = id + 1"))
                    .isEqualTo(oldIds.size());
        }
    }

    /**
     * name (NOT NULL) is dropped; the NEW app no longer writes it.
     * From pgroll's {@code pkg/migrations/op_drop_column_test.go}.
     */
    static final class DropColumn extends Scenario {
        DropColumn() {
            super("dropColumn", "scenarios/drop-column.yaml");
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, email, amount) VALUES (?, ?, ?)", id, "e" + id + "@new", 5);
            exec(c, "UPDATE customer SET email = ? WHERE id = ?", "u" + id + "@new", id);
            expect(one(c, "SELECT email FROM customer WHERE id = ?", id), List.of("u" + id + "@new"), id);
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND name = 'unknown'"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).noneMatch(o -> o.startsWith("column customer.name "));
        }
    }

    /**
     * email becomes NOT NULL; the OLD app writes some rows without it.
     * From pgroll's {@code pkg/migrations/op_set_notnull_test.go}.
     */
    static final class AddNotNull extends Scenario {
        AddNotNull() {
            super("addNotNull", "scenarios/add-not-null.yaml");
        }

        @Override
        void oldWrite(Connection c, long id) throws SQLException {
            if (id % 3 != 0) {
                super.oldWrite(c, id);
                return;
            }
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, NULL, ?)", id, "n" + id, (int) id);
            exec(c, "UPDATE customer SET amount = amount + 1 WHERE id = ?", id);
            one(c, "SELECT name, email FROM customer WHERE id = ?", id);
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            expect(one(c, "SELECT email FROM customer WHERE id = ?", id), List.of("e" + id + "@new"), id);
            if (postgres(c)) {
                refused(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, NULL, ?)", -id, "n", 5);
            }
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM " + newShape(db, "customer") + " WHERE email IS NULL")).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM " + newShape(db, "customer") + " WHERE id IN " + ids(oldIds)
                    + " AND email = CASE WHEN MOD(id, 3) = 0 THEN 'none@example.com' ELSE 'u' || id || '@old' END"))
                    .isEqualTo(oldIds.size());
        }

        @Override
        void checkOldValues(TestDatabase db, Set<Long> oldIds) throws SQLException {
            for (long id : oldIds) {
                List<Object> row = db.rows("SELECT name, email, amount FROM customer WHERE id = " + id).get(0);
                assertThat(row.get(0)).isEqualTo("n" + id);
                assertThat(row.get(2)).isEqualTo((int) id + 1);
                if (id % 3 == 0 && db.postgres()) {
                    assertThat(row.get(1)).as("the OLD version's column never gets the fill value").isNull();
                } else if (id % 3 == 0) {
                    // H2 has no shadow column: filled while expanded, NULL as the OLD app wrote it after the rollback
                    assertThat(row.get(1)).isIn(null, "none@example.com");
                } else {
                    assertThat(row.get(1)).isEqualTo("u" + id + "@old");
                }
            }
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("column customer.email character varying nullable=no");
        }
    }

    /**
     * An index on email.
     * From pgroll's {@code pkg/migrations/op_create_index_test.go}.
     */
    static final class CreateIndex extends Scenario {
        CreateIndex() {
            super("createIndex", "scenarios/create-index.yaml");
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            expect(one(c, "SELECT id FROM customer WHERE email = ?", "e" + id + "@new"), List.of(id), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("index idx_customer_email");
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("index idx_customer_email");
        }
    }

    /**
     * A new table customer_note only the NEW app writes.
     * From pgroll's {@code pkg/migrations/op_create_table_test.go}.
     */
    static final class CreateTable extends Scenario {
        CreateTable() {
            super("createTable", "scenarios/create-table.xml");
        }

        @Override
        int archives(TestDatabase db) {
            return db.postgres() ? 1 : 0;
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            exec(c, "INSERT INTO customer_note (id, customer_id, note) VALUES (?, ?, ?)", id, id, "note " + id);
            expect(one(c, "SELECT note FROM customer_note WHERE id = ?", id), List.of("note " + id), id);
        }

        @Override
        void checkRestored(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer_note WHERE id IN " + ids(newIds) + " AND note = 'note ' || id"))
                    .isEqualTo(newIds.size());
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            checkRestored(db, oldIds, newIds);
        }
    }

    /**
     * purchase.customer_id references customer.id.
     * From pgroll's {@code pkg/migrations/op_set_fk_test.go}.
     */
    static final class AddForeignKey extends Scenario {
        AddForeignKey() {
            super("addForeignKey", "scenarios/add-foreign-key.yaml");
        }

        @Override
        List<String> setup() {
            List<String> setup = super.setup();
            setup.add("CREATE TABLE purchase (id BIGINT PRIMARY KEY, customer_id BIGINT, total INTEGER)");
            return setup;
        }

        @Override
        void oldWrite(Connection c, long id) throws SQLException {
            super.oldWrite(c, id);
            exec(c, "INSERT INTO purchase (id, customer_id, total) VALUES (?, ?, ?)", id, id, 10);
            if (postgres(c)) {
                // a dangling reference, which the OLD version allows: the new rule must never refuse it
                exec(c, "INSERT INTO purchase (id, customer_id, total) VALUES (?, ?, ?)", -id, -id, 10);
            }
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            exec(c, "INSERT INTO purchase (id, customer_id, total) VALUES (?, ?, ?)", id, id, 20);
            try {
                exec(c, "INSERT INTO purchase (id, customer_id, total) VALUES (?, ?, ?)", -id, -id, 20);
            } catch (SQLException expected) {
                return; // the foreign key holds for new writes
            }
            throw new SQLException("a purchase of a missing customer was accepted");
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM purchase")).isEqualTo(oldIds.size() * (db.postgres() ? 2L : 1L)
                    + newIds.size());
            if (db.postgres()) {
                assertThat(db.count("SELECT COUNT(*) FROM purchase WHERE id < 0 AND customer_id = id"))
                        .as("dangling references as the OLD app wrote them").isEqualTo(oldIds.size());
            }
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).anyMatch(o -> o.startsWith("constraint fk_purchase_customer")
                    && !o.contains("validated=false"));
        }
    }

    /**
     * amount >= 0.
     * From pgroll's {@code pkg/migrations/op_set_check_test.go}.
     */
    static final class AddCheck extends Scenario {
        AddCheck() {
            super("addCheck", "scenarios/add-check.yaml");
        }

        @Override
        void oldWrite(Connection c, long id) throws SQLException {
            super.oldWrite(c, id);
            if (postgres(c) && id % 4 == 0) {
                // allowed for the OLD version: the new check must never refuse it
                exec(c, "UPDATE customer SET amount = -amount WHERE id = ?", id);
            }
        }

        @Override
        void checkOldValues(TestDatabase db, Set<Long> oldIds) throws SQLException {
            for (long id : oldIds) {
                List<Object> row = db.rows("SELECT name, email, amount FROM customer WHERE id = " + id).get(0);
                int amount = (int) id + 1;
                assertThat(row).as("OLD row %s", id).containsExactly("n" + id, "u" + id + "@old",
                        db.postgres() && id % 4 == 0 ? -amount : amount);
            }
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            checkOldValues(db, oldIds);
            assertThat(db.count("SELECT COUNT(*) FROM " + newShape(db, "customer") + " WHERE amount < 0"))
                    .as("the new version never sees a value its check refuses").isZero();
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            try {
                exec(c, "UPDATE customer SET amount = -1 WHERE id = ?", id);
            } catch (SQLException expected) {
                return;
            }
            throw new SQLException("a negative amount was accepted");
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).anyMatch(o -> o.startsWith("constraint ck_customer_amount") && !o.contains("validated=false"));
        }
    }

    /**
     * email unique.
     * From pgroll's {@code pkg/migrations/op_set_unique_test.go}.
     */
    static final class AddUnique extends Scenario {
        AddUnique() {
            super("addUnique", "scenarios/add-unique.yaml");
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            try {
                exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", -id, "n", "e" + id + "@new", 5);
            } catch (SQLException expected) {
                return;
            }
            throw new SQLException("a duplicate email was accepted");
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).anyMatch(o -> o.startsWith("constraint uq_customer_email"));
        }
    }

    /**
     * customer becomes client.
     * From pgroll's {@code pkg/migrations/op_rename_table_test.go}.
     */
    static final class RenameTable extends Scenario {
        RenameTable() {
            super("renameTable", "scenarios/rename-table.yaml");
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO client (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            exec(c, "UPDATE client SET email = ? WHERE id = ?", "u" + id + "@new", id);
            expect(one(c, "SELECT email FROM client WHERE id = ?", id), List.of("u" + id + "@new"), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer")).isEqualTo(db.count("SELECT COUNT(*) FROM client"));
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds) + " AND email = 'u' || id || '@new'"))
                    .isEqualTo(newIds.size());
        }

        @Override
        String table() {
            return "client";
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("table client base table").noneMatch(o -> o.startsWith("table customer"));
        }
    }

    /**
     * legacy_log, which only the OLD app writes, is dropped.
     * From pgroll's {@code pkg/migrations/op_drop_table_test.go}.
     */
    static final class DropTable extends Scenario {
        DropTable() {
            super("dropTable", "scenarios/drop-table.yaml");
        }

        @Override
        List<String> setup() {
            List<String> setup = super.setup();
            setup.add("CREATE TABLE legacy_log (id BIGINT PRIMARY KEY, line VARCHAR(100))");
            return setup;
        }

        @Override
        void oldWrite(Connection c, long id) throws SQLException {
            super.oldWrite(c, id);
            exec(c, "INSERT INTO legacy_log (id, line) VALUES (?, ?)", id, "line " + id);
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            assertThat(db.count("SELECT COUNT(*) FROM legacy_log")).isEqualTo(oldIds.size());
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).noneMatch(o -> o.startsWith("table legacy_log"));
        }
    }

    /**
     * The index on name is dropped; the OLD app's queries keep it until contract.
     * From pgroll's {@code pkg/migrations/op_drop_index_test.go}.
     */
    static final class DropIndex extends Scenario {
        DropIndex() {
            super("dropIndex", "scenarios/drop-index.yaml");
        }

        @Override
        List<String> setup() {
            List<String> setup = super.setup();
            setup.add("CREATE INDEX idx_customer_name ON customer (name)");
            return setup;
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).as("the running version keeps its index").contains("index idx_customer_name");
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).noneMatch(o -> o.startsWith("index idx_customer_name"));
        }
    }

    /**
     * name (NOT NULL) may hold NULL for the new version; the old one reads the down expression instead.
     * From pgroll's {@code pkg/migrations/op_drop_not_null_test.go}: NULL accepted through the new
     * version, its down value seen by the old one, NOT NULL still enforced on the old column.
     */
    static final class DropNotNull extends Scenario {
        DropNotNull() {
            super("dropNotNull", "scenarios/drop-not-null.yaml");
        }

        /** The rows the new version wrote NULL into (PostgreSQL): archived at rollback, unlike pgroll, which loses them. */
        @Override
        int archives(TestDatabase db) {
            return db.postgres() ? 1 : 0;
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            write(c, id, false);
        }

        @Override
        void newWriteContracted(Connection c, long id) throws SQLException {
            write(c, id, true);
        }

        /** Every other row without a name: the new version reads NULL back (H2 fills it until contract). */
        private static void write(Connection c, long id, boolean contracted) throws SQLException {
            String name = id % 2 == 0 ? null : "n" + id;
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, name, "e" + id + "@new", 5);
            String expected = name != null || contracted || postgres(c) ? name : "anon-e" + id + "@new";
            expect(one(c, "SELECT name FROM customer WHERE id = ?", id), java.util.Arrays.asList(expected), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            checkOldShape(db, newIds);
            if (db.postgres()) {
                assertThat(db.count("SELECT COUNT(*) FROM " + newShape(db, "customer") + " WHERE id IN " + ids(newIds)
                        + " AND name IS NULL")).as("NULLs the new version wrote").isEqualTo(newIds.stream().filter(i -> i % 2 == 0).count());
                String old = oldShape(db, "customer");
                db.execute("INSERT INTO " + old + " (id, name, email, amount) VALUES (-1, 'n', 'e', 1)");
                assertThatThrownBy(() -> db.execute("UPDATE " + old + " SET name = NULL WHERE id = -1"))
                        .as("the old column keeps its NOT NULL").isInstanceOf(SQLException.class);
                db.execute("DELETE FROM " + old + " WHERE id = -1");
            }
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            checkOldShape(db, newIds);
            // the OLD app names one row the new version had left without a name: its write wins over the archive
            db.execute("UPDATE customer SET name = 'renamed' WHERE id = " + renamed(newIds));
        }

        /**
         * Row by row after a second expand: the new version reads NULL again where it wrote NULL, except in
         * the row the OLD app named after the rollback; every other row as before.
         */
        @Override
        void checkRestored(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            if (!db.postgres()) {
                return;
            }
            java.util.Map<Long, Object> names = new java.util.HashMap<>();
            for (List<Object> row : db.rows("SELECT id, name FROM " + newShape(db, "customer"))) {
                names.put(((Number) row.get(0)).longValue(), row.get(1));
            }
            long renamed = renamed(newIds);
            for (long id : newIds) {
                Object expected = id == renamed ? "renamed" : id % 2 == 0 ? null : "n" + id;
                assertThat(names.get(id)).as("NEW row %s as the new version reads it", id).isEqualTo(expected);
            }
            for (long id : oldIds) {
                assertThat(names.get(id)).as("OLD row %s as the new version reads it", id).isEqualTo("n" + id);
            }
        }

        /** The first row the new version wrote without a name. */
        private static long renamed(Set<Long> newIds) {
            return newIds.stream().filter(i -> i % 2 == 0).min(Long::compare).orElseThrow();
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("column customer.name character varying nullable=yes");
            checkOldValues(db, oldIds);
        }

        /** The old version sees, for each row the new version wrote without a name, the down expression's value. */
        private static void checkOldShape(TestDatabase db, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds)
                    + " AND name = CASE WHEN MOD(id, 2) = 0 THEN 'anon-e' || id || '@new' ELSE 'n' || id END"))
                    .isEqualTo(newIds.size());
        }
    }

    /**
     * A partial index on email for the rows with a positive amount (PostgreSQL only: H2 has none).
     * From pgroll's {@code pkg/migrations/op_create_index_test.go} ("create partial index").
     */
    static final class CreatePartialIndex extends Scenario {
        CreatePartialIndex() {
            super("createPartialIndex", "scenarios/create-partial-index.yaml");
        }

        @Override
        boolean runsOn(String kind) {
            return "postgresql".equals(kind);
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            expect(one(c, "SELECT id FROM customer WHERE email = ? AND amount > 0", "e" + id + "@new"), List.of(id), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("index definition create index idx_customer_email_paying on customer"
                    + " using btree (email) where (amount > 0)");
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            checkExpanded(db, oldIds, newIds);
        }
    }

    /**
     * A NOT NULL column whose default PostgreSQL evaluates per row (gen_random_uuid()): set for new rows
     * and backfilled, so expand rewrites no table (the suite compares relfilenode) and every row gets a
     * value of its own. From pgroll's {@code pkg/migrations/op_add_column_test.go} ("add column with a
     * volatile default", no table rewrite).
     */
    static final class AddColumnVolatileDefault extends Scenario {
        AddColumnVolatileDefault() {
            super("addColumnVolatileDefault", "scenarios/add-column-volatile-default.yaml");
        }

        @Override
        int archives(TestDatabase db) {
            return db.postgres() ? 1 : 0;
        }

        @Override
        boolean runsOn(String kind) {
            return "postgresql".equals(kind);
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
            expect(one(c, "SELECT token IS NOT NULL FROM customer WHERE id = ?", id), List.of(true), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(DISTINCT token) FROM customer")).as("a token of its own for every row")
                    .isEqualTo(db.count("SELECT COUNT(*) FROM customer"));
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("column customer.token uuid nullable=no", "default customer.token gen_random_uuid()");
            checkExpanded(db, oldIds, newIds);
        }
    }

    /**
     * amount gets the default 42 and name (NOT NULL) the default 'anonymous' for the new version only: a
     * row the new version writes without them gets them (and the old version reads them), the old
     * columns keep their defaults until contract, and name stays NOT NULL after it.
     * From pgroll's {@code pkg/migrations/op_set_default_test.go}. PostgreSQL only: H2 has no schema per
     * version and refuses it.
     */
    static final class SetDefault extends Scenario {
        SetDefault() {
            super("setDefault", "scenarios/set-default.yaml");
        }

        @Override
        boolean runsOn(String kind) {
            return "postgresql".equals(kind);
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, email) VALUES (?, ?)", id, "e" + id + "@new");
            expect(one(c, "SELECT name, amount FROM customer WHERE id = ?", id), List.of("anonymous", 42), id);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).as("the old version's columns keep having no default")
                    .noneMatch(o -> o.startsWith("default customer.amount ") || o.startsWith("default customer.name "));
            String old = oldShape(db, "customer");
            db.execute("INSERT INTO " + old + " (id, name) VALUES (-1, 'old')");
            assertThat(db.count("SELECT COUNT(*) FROM " + old + " WHERE id = -1 AND amount IS NULL"))
                    .as("an old write without amount, through the old version's schema").isOne();
            db.execute("DELETE FROM " + old + " WHERE id = -1");
            checkNewRows(db, newIds);
        }

        @Override
        void checkRolledBack(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            super.checkRolledBack(db, oldIds, newIds);
            checkNewRows(db, newIds);
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("default customer.amount 42", "default customer.name 'anonymous'::character varying",
                    "column customer.name character varying nullable=no");
            checkOldValues(db, oldIds);
        }

        /** The old version reads the new default in the rows the new version wrote without amount. */
        private static void checkNewRows(TestDatabase db, Set<Long> newIds) throws SQLException {
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id IN " + ids(newIds)
                    + " AND amount = 42 AND name = 'anonymous'")).isEqualTo(newIds.size());
        }
    }

    /**
     * Raw SQL with its undo: an index created at expand and dropped by rollback, another created only at
     * contract. From pgroll's {@code pkg/migrations/op_raw_sql_test.go} (up at start, down at rollback,
     * onComplete at complete).
     */
    static final class RawSql extends Scenario {
        RawSql() {
            super("rawSql", "scenarios/raw-sql.yaml");
        }

        @Override
        void newWrite(Connection c, long id) throws SQLException {
            exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new", 5);
        }

        @Override
        void checkExpanded(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("index idx_customer_amount").doesNotContain("index idx_customer_name");
        }

        @Override
        void checkContracted(TestDatabase db, Set<Long> oldIds, Set<Long> newIds) throws SQLException {
            assertThat(db.objects()).contains("index idx_customer_amount", "index idx_customer_name");
        }
    }
}
