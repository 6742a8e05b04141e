package dev.rollback.liquibase;

import static dev.rollback.liquibase.Scenario.exec;
import static dev.rollback.liquibase.Scenario.expect;
import static dev.rollback.liquibase.Scenario.one;
import static dev.rollback.liquibase.Scenario.refused;
import static dev.rollback.liquibase.Scenario.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * More than one version after the one that runs (PostgreSQL): release 1 creates {@code item}, release
 * 2 retypes {@code amount} (a shadow pair kept in sync by a trigger), release 3 makes {@code title}
 * NOT NULL (a shadow column). Each app writes through the schema its own change log resolves to.
 */
class ConsecutiveVersionsTest {

    private static final String V1 = "versions/chain-v1.yaml";
    private static final String V2 = "versions/chain-v2.yaml";
    private static final String V3 = "versions/chain-v3.yaml";
    private static final int OPS = 20;

    /**
     * Release 3 expands release 2's change set and its own in one update, while release 1 runs: release 1
     * on its schema, release 3 on the schema of its last change set, and a write of release 3 is a new
     * write for both change sets' triggers. From pgroll's {@code pkg/roll/execute_test.go}
     * ("TestPreviousVersionIsDroppedAfterMigrationCompletion", "TestSchemaIsDroppedAfterMigrationRollback")
     * and {@code cmd/migrate.go} (several unapplied migrations in one run).
     */
    @Test
    void aReleaseThatExpandsTwoChangeSetsAtOnceDerivesEverySideFromEachVersionsWrites() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "chain")) {
            Workload.App v1 = release1(db);
            TreeSet<String> before = db.objects();
            ExpandContract v3 = migrations(db, V3, "3");

            Workload.run(db.dataSource(), List.of(v1), OPS, v3::expand);
            String s1 = VersionSchema.name(db.schema(), "c1-items");
            String s3 = VersionSchema.name(db.schema(), "c3-title");
            try (Connection connection = db.dataSource().getConnection()) {
                assertThat(VersionSchema.resolveNames(connection, db.schema(), VersionSchema.changeSetIds(V3)))
                        .isEqualTo(new VersionSchema.Names(s3, s1));
            }
            Workload.App r3 = app(db, "V3", ConsecutiveVersionsTest::v3Write, 3_000_000, V3);
            Workload.run(db.dataSource(), List.of(v1, r3), OPS, null);
            assertThat(v1.takeErrors()).as("release 1 errors").isEmpty();
            assertThat(r3.takeErrors()).as("release 3 errors").isEmpty();
            assertThat(v1.takeSchemas()).contains(s1).doesNotContain(s3);
            assertThat(r3.takeSchemas()).containsExactly(s3);
            checkOldSide(db, v1.ids, Set.of(), r3.ids);

            v3.rollback();
            assertThat(db.objects()).as("physical schema after rollback").isEqualTo(before);
            assertThat(db.schemas()).containsExactly(s1);
            checkOldSide(db, v1.ids, Set.of(), r3.ids);
            v3.expand();
            v3.contract();
            assertThat(db.schemas()).containsExactly(s3);
        }
    }

    /**
     * Release 3 cannot start expanding while release 2's migrations are in progress, as pgroll refuses
     * to start a migration while another is in progress ({@code pkg/roll/execute.go}: "a migration for
     * schema ... is already in progress"; {@code docs/cli/status.mdx}: while one is in progress, the
     * latest version's schema and the previous version's exist): nothing changes and releases 1 and 2
     * keep writing. Once release 2 is contracted (release 1 gone), release 3 expands with release 2 on
     * release 2's schema, which the contract made anew, as pgroll keeps the latest version's schema after
     * complete ({@code pkg/roll/execute_test.go}, "TestPreviousVersionIsDroppedAfterMigrationCompletion");
     * rolling release 3 back leaves release 2 working ("TestSchemaIsDroppedAfterMigrationRollback").
     */
    @Test
    void aSecondReleaseExpandsOnlyOnceTheFirstIsContracted() throws Exception {
        try (TestDatabase db = TestDatabase.open("postgresql", "releases")) {
            Workload.App v1 = release1(db);
            migrations(db, V2, "2").expand();
            Workload.App v2 = app(db, "V2", ConsecutiveVersionsTest::v2Write, 2_000_000, V2);
            Workload.run(db.dataSource(), List.of(v1, v2), OPS, null);
            TreeSet<String> expanded = db.objects();
            List<String> schemas = db.schemas();
            ExpandContract v3 = migrations(db, V3, "3");

            assertThatThrownBy(v3::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("c3-title").hasMessageContaining("version 3 cannot start expanding")
                    .hasMessageContaining("version 2 expanded are in progress").hasMessageContaining("nothing was changed");
            assertThat(db.objects()).as("nothing changed").isEqualTo(expanded);
            assertThat(db.schemas()).isEqualTo(schemas);
            Workload.run(db.dataSource(), List.of(v1, v2), OPS, null);
            assertThat(v1.takeErrors()).as("release 1 errors").isEmpty();
            assertThat(v2.takeErrors()).as("release 2 errors").isEmpty();
            checkOldSide(db, v1.ids, v2.ids, Set.of());

            migrations(db, V2, "2").contract();
            String s2 = VersionSchema.name(db.schema(), "c2-retype");
            String s3 = VersionSchema.name(db.schema(), "c3-title");
            assertThat(db.schemas()).containsExactly(s2);
            Workload.run(db.dataSource(), List.of(v2), OPS, v3::expand);
            Workload.App r3 = app(db, "V3", ConsecutiveVersionsTest::v3Write, 3_000_000, V3);
            Workload.run(db.dataSource(), List.of(v2, r3), OPS, null);
            assertThat(v2.takeErrors()).as("release 2 errors").isEmpty();
            assertThat(r3.takeErrors()).as("release 3 errors").isEmpty();
            assertThat(v2.takeSchemas()).containsExactly(s2);
            assertThat(r3.takeSchemas()).containsExactly(s3);
            assertThat(db.count("SELECT COUNT(*) FROM " + s2 + ".item WHERE id >= 3000000 AND amount_dec = 4.50"))
                    .as("release 3's writes as release 2 sees them").isEqualTo(r3.ids.size());

            v3.rollback();
            assertThat(db.schemas()).containsExactly(s2);
            Workload.run(db.dataSource(), List.of(v2), OPS, null);
            assertThat(v2.takeErrors()).as("release 2 errors after release 3's rollback").isEmpty();
        }
    }

    /** Release 1 run, and its app, which has written some rows. */
    private static Workload.App release1(TestDatabase db) throws Exception {
        migrations(db, V1, "1").expand();
        Workload.App v1 = app(db, "V1", ConsecutiveVersionsTest::v1Write, 1, V1);
        Workload.run(db.dataSource(), List.of(v1), OPS, null);
        assertThat(v1.takeErrors()).isEmpty();
        return v1;
    }

    private static ExpandContract migrations(TestDatabase db, String changelog, String version) {
        return ExpandContract.builder(db.dataSource(), changelog).serviceVersion(version).backfillBatchSize(10)
                .backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();
    }

    private static Workload.App app(TestDatabase db, String name, Workload.Op op, long firstId, String changelog) {
        return new Workload.App(name, op, firstId).following(new Workload.Version(db.schema(), VersionSchema.changeSetIds(changelog)));
    }

    /** Row by row, what release 1 sees of every version's writes. */
    private static void checkOldSide(TestDatabase db, Set<Long> v1Ids, Set<Long> v2Ids, Set<Long> v3Ids) throws SQLException {
        for (List<Object> row : db.rows("SELECT id, title, amount FROM item")) {
            long id = ((Number) row.get(0)).longValue();
            List<Object> seen = row.subList(1, 3);
            if (v1Ids.contains(id)) {
                assertThat(seen).as("release 1's row %s", id).containsExactly(id % 3 == 0 ? null : "t" + id, (int) id + 101);
            } else if (v2Ids.contains(id)) {
                assertThat(seen).as("release 2's row %s", id).containsExactly("t" + id, 250);
            } else if (v3Ids.contains(id)) {
                assertThat(seen).as("release 3's row %s", id).containsExactly("t" + id, 450);
            }
        }
    }

    /** Release 1: item(id, title, amount in cents); every third row without a title. */
    private static void v1Write(Connection c, long id) throws SQLException {
        exec(c, "INSERT INTO item (id, title, amount) VALUES (?, ?, ?)", id, id % 3 == 0 ? null : "t" + id, (int) id + 100);
        exec(c, "UPDATE item SET amount = amount + 1 WHERE id = ?", id);
        expect(one(c, "SELECT amount FROM item WHERE id = ?", id), List.of((int) id + 101), id);
    }

    /** Release 2: item(id, title, amount_dec). */
    private static void v2Write(Connection c, long id) throws SQLException {
        exec(c, "INSERT INTO item (id, title, amount_dec) VALUES (?, ?, ?)", id, "t" + id, new BigDecimal("1.25"));
        exec(c, "UPDATE item SET amount_dec = ? WHERE id = ?", new BigDecimal("2.50"), id);
        expect(one(c, "SELECT title, amount_dec FROM item WHERE id = ?", id), values("t" + id, new BigDecimal("2.50")), id);
    }

    /** Release 3: item(id, title NOT NULL, amount_dec). */
    private static void v3Write(Connection c, long id) throws SQLException {
        exec(c, "INSERT INTO item (id, title, amount_dec) VALUES (?, ?, ?)", id, "t" + id, new BigDecimal("3.75"));
        exec(c, "UPDATE item SET amount_dec = ? WHERE id = ?", new BigDecimal("4.50"), id);
        expect(one(c, "SELECT title, amount_dec FROM item WHERE id = ?", id), values("t" + id, new BigDecimal("4.50")), id);
        refused(c, "INSERT INTO item (id, title, amount_dec) VALUES (?, ?, ?)", -id, null, BigDecimal.ONE);
    }
}
