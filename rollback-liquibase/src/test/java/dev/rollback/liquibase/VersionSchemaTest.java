package dev.rollback.liquibase;

import static dev.rollback.liquibase.Scenario.exec;
import static dev.rollback.liquibase.Scenario.expect;
import static dev.rollback.liquibase.Scenario.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A schema per version on the real PostgreSQL, as pgroll's operation tests check it: release 1
 * creates {@code customer} and {@code legacy_log}; release 2 renames a column, adds one, drops one,
 * drops {@code legacy_log} and creates {@code customer_note}, all in one change set. The OLD app on
 * release 1's schema and the NEW app on release 2's each see exactly their own shape, write
 * concurrently, and keep doing so through rollback, a second expand and contract.
 */
class VersionSchemaTest {

    private static final String V1 = "versions/v1.yaml";
    private static final String V2 = "versions/v2.yaml";
    private static final int OPS = 25;

    @Test
    void eachVersionSeesExactlyItsShapeThroughExpandRollbackAndContract() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "versions")) {
            ExpandContract.builder(db.dataSource(), V1).build().expand();
            Workload.App oldApp = new Workload.App("OLD", VersionSchemaTest::oldWrite, 1);
            Workload.App newApp = new Workload.App("NEW", VersionSchemaTest::newWrite, 1_000_000);
            Workload.run(db.dataSource(), List.of(oldApp), OPS, null);
            assertThat(oldApp.takeErrors()).isEmpty();
            assertThat(schemaOf(db, V1)).as("no version schema before an expand").isEqualTo(db.schema());
            TreeSet<String> before = db.objects();
            Map<String, Long> files = db.relfilenodes();
            ExpandContract v2 = ExpandContract.builder(db.dataSource(), V2)
                    .backfillBatchSize(10).backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();

            Workload.run(db.dataSource(), List.of(oldApp), OPS, v2::expand);
            assertThat(oldApp.takeErrors()).as("OLD app errors during expand").isEmpty();
            String previous = VersionSchema.name(db.schema(), "v1-baseline");
            String next = VersionSchema.name(db.schema(), "v2-release");
            assertThat(schemaOf(db, V1)).isEqualTo(previous);
            assertThat(schemaOf(db, V2)).isEqualTo(next);
            assertThat(db.schemas()).containsExactlyInAnyOrder(previous, next);
            assertThat(db.relfilenodes()).as("no table rewritten by expand").containsAllEntriesOf(files);
            checkOldShape(db, previous);
            assertThat(db.columns(next, "customer")).containsExactly("id", "name", "email_address", "nickname");
            assertThat(db.columns(next, "customer_note")).containsExactly("id", "customer_id", "note");
            assertThat(db.columns(next, "legacy_log")).as("a dropped table is gone for the new version").isEmpty();

            oldApp.on(db.dataSource(previous));
            newApp.on(db.dataSource(next));
            Workload.run(db.dataSource(), List.of(oldApp, newApp), OPS, null);
            assertThat(oldApp.takeErrors()).as("OLD app errors on its version schema").isEmpty();
            assertThat(newApp.takeErrors()).as("NEW app errors on its version schema").isEmpty();
            try (Connection connection = db.dataSource(next).getConnection()) {
                assertThatThrownBy(() -> exec(connection, "INSERT INTO legacy_log (id, line) VALUES (?, ?)", -1L, "x"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("legacy_log");
                assertThatThrownBy(() -> one(connection, "SELECT amount FROM customer WHERE id = ?", 1L))
                        .isInstanceOf(SQLException.class).hasMessageContaining("amount");
            }

            Workload.run(db.dataSource(), List.of(oldApp), OPS, v2::rollback);
            assertThat(oldApp.takeErrors()).as("OLD app errors during rollback").isEmpty();
            assertThat(db.schemas()).as("the new version's schema is dropped, the running one's stays")
                    .containsExactly(previous);
            assertThat(db.objects()).as("physical schema after rollback").isEqualTo(before);
            checkOldShape(db, previous);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id >= 1000000 AND email = 'u' || id || '@new'"))
                    .as("NEW writes seen by the OLD version after rollback").isEqualTo(newApp.ids.size());

            v2.expand();
            v2.contract();
            assertThat(db.schemas()).as("contract drops the old version's schema").containsExactly(next);
            assertThat(db.columns(next, "customer")).isEqualTo(db.columns(db.schema(), "customer"));
            Workload.App contracted = new Workload.App("NEW", VersionSchemaTest::newWrite, 2_000_000).on(db.dataSource(next));
            Workload.run(db.dataSource(), List.of(contracted), OPS, null);
            assertThat(contracted.takeErrors()).as("NEW app errors after contract").isEmpty();
        }
    }

    @Test
    void bothSidesAreDerivedOnEveryWriteWhateverTheDefaults() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "retype")) {
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "versions/retype.yaml")
                    .backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();
            migrations.expand();
            String next = VersionSchema.name(db.schema(), "r2-retype");
            try (Connection old = db.dataSource(VersionSchema.name(db.schema(), "r1-baseline")).getConnection();
                 Connection neu = db.dataSource(next).getConnection()) {
                exec(old, "INSERT INTO item (id, title, amount) VALUES (?, ?, ?)", 1L, "apple", 150);
                // the NEW app cannot write amount: the old column's DEFAULT must not hide the value it wrote
                exec(neu, "INSERT INTO item (id, title, amount_dec) VALUES (?, ?, ?)", 2L, "pear", new BigDecimal("2.50"));
                exec(old, "UPDATE item SET title = ? WHERE id = ?", "cherry", 1L);
                expect(one(neu, "SELECT title_upper, amount_dec FROM item WHERE id = ?", 1L),
                        Scenario.values("CHERRY", new BigDecimal("1.50")), 1);
            }
            migrations.rollback();
            assertThat(db.rows("SELECT id, title, amount FROM item ORDER BY id")).as("the OLD shape after rollback")
                    .containsExactly(List.of(1L, "cherry", 150), List.of(2L, "pear", 250));
        }
    }

    @Test
    void aReleaseThatStillRunsItsOldPathWritesBothShapesThroughThePhysicalSchema() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "both")) {
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "versions/retype.yaml")
                    .backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();
            migrations.expand();
            try (Connection both = db.dataSource().getConnection();
                 Connection old = db.dataSource(VersionSchema.name(db.schema(), "r1-baseline")).getConnection()) {
                // the old path of the new release, then its new path, both on the physical schema
                exec(both, "INSERT INTO item (id, title, amount) VALUES (?, ?, ?)", 1L, "apple", 150);
                exec(both, "UPDATE item SET amount_dec = ? WHERE id = ?", new BigDecimal("1.75"), 1L);
                expect(one(both, "SELECT amount, amount_dec, title_upper FROM item WHERE id = ?", 1L),
                        Scenario.values(175, new BigDecimal("1.75"), "APPLE"), 1);
                expect(one(old, "SELECT title, amount FROM item WHERE id = ?", 1L), List.of("apple", 175), 1);
            }
            migrations.rollback();
            assertThat(db.rows("SELECT id, title, amount FROM item ORDER BY id")).as("the OLD shape after rollback")
                    .containsExactly(List.of(1L, "apple", 175));
        }
    }

    @Test
    void aWriterOnThePhysicalSchemaKnowsARenamedColumnByItsOldNameUntilContract() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "physical")) {
            ExpandContract.builder(db.dataSource(), V1).build().expand();
            ExpandContract v2 = ExpandContract.builder(db.dataSource(), V2)
                    .backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();
            v2.expand();
            try (Connection physical = db.dataSource().getConnection();
                 Connection neu = db.dataSource(VersionSchema.name(db.schema(), "v2-release")).getConnection()) {
                exec(physical, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", 1L, "ada", "ada@old", 7);
                assertThatThrownBy(() -> exec(physical, "UPDATE customer SET email_address = ? WHERE id = ?", "x", 1L))
                        .isInstanceOf(SQLException.class).hasMessageContaining("email_address");
                exec(neu, "UPDATE customer SET email_address = ? WHERE id = ?", "ada@new", 1L);
                expect(one(physical, "SELECT email FROM customer WHERE id = ?", 1L), List.of("ada@new"), 1);
            }
            v2.contract();
            assertThat(db.columns(db.schema(), "customer")).contains("email_address").doesNotContain("email");
        }
    }

    private static void checkOldShape(TestDatabase db, String schema) throws SQLException {
        assertThat(db.columns(schema, "customer")).containsExactly("id", "name", "email", "amount");
        assertThat(db.columns(schema, "legacy_log")).containsExactly("id", "line");
        assertThat(db.columns(schema, "customer_note")).as("a table the new version creates").isEmpty();
    }

    private static String schemaOf(TestDatabase db, String changelog) throws SQLException {
        try (Connection connection = db.dataSource().getConnection()) {
            return VersionSchema.resolve(connection, db.schema(), VersionSchema.changeSetIds(changelog));
        }
    }

    private static void oldWrite(Connection c, long id) throws SQLException {
        exec(c, "INSERT INTO customer (id, name, email, amount) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@old", (int) id);
        exec(c, "INSERT INTO legacy_log (id, line) VALUES (?, ?)", id, "line " + id);
        exec(c, "UPDATE customer SET email = ?, amount = amount + 1 WHERE id = ?", "u" + id + "@old", id);
        expect(one(c, "SELECT name, email, amount FROM customer WHERE id = ?", id), List.of("n" + id, "u" + id + "@old",
                (int) id + 1), id);
    }

    private static void newWrite(Connection c, long id) throws SQLException {
        exec(c, "INSERT INTO customer (id, name, email_address, nickname) VALUES (?, ?, ?, ?)", id, "n" + id, "e" + id + "@new",
                "nick" + id);
        exec(c, "INSERT INTO customer_note (id, customer_id, note) VALUES (?, ?, ?)", id, id, "note " + id);
        exec(c, "UPDATE customer SET email_address = ? WHERE id = ?", "u" + id + "@new", id);
        expect(one(c, "SELECT name, email_address, nickname FROM customer WHERE id = ?", id), List.of("n" + id,
                "u" + id + "@new", "nick" + id), id);
    }
}
