package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance suite: per change type and per database (H2 and the real PostgreSQL), an OLD app
 * and a NEW app write concurrently through expand, rollback, a second expand and contract. The OLD
 * app never fails while it may run; no row is lost; its values and those derived from NEW writes
 * are there; after rollback the schema is exactly what it was, and after contract no helper is left.
 * On PostgreSQL the OLD app writes during expand and rollback (on H2 right before and after them),
 * the NEW app works through its version schema (exactly the new shape), expand rewrites no table,
 * rollback drops the version schema and contract keeps only the newest.
 */
class ExpandContractAcceptanceTest {

    private static final int SEED_ROWS = 230;
    private static final int OPS = 25;

    static Stream<Arguments> scenarios() {
        return TestDatabase.kinds().stream().flatMap(kind -> Scenarios.all().stream()
                .filter(s -> s.runsOn(kind)).map(s -> Arguments.of(kind, s)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("scenarios")
    void oldAppKeepsWorkingAndNothingIsLost(String kind, Scenario scenario, @TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.open(kind, scenario.name)) {
            Releases releases = Releases.write(dir, scenario);
            ExpandContract.builder(db.dataSource(), releases.previous()).resourceAccessor(releases.resources()).build().expand();
            // the OLD app is release 1, which finds its version's schema from its own change log
            Workload.App oldApp = new Workload.App("OLD", scenario::oldWrite, 1)
                    .following(new Workload.Version(db.schema(), releases.ids(releases.previous())));
            Workload.App newApp = new Workload.App("NEW", scenario::newWrite, 1_000_000);
            try (Connection connection = db.dataSource().getConnection()) {
                for (int i = 0; i < SEED_ROWS; i++) {
                    oldApp.write(connection);
                }
            }
            assertThat(oldApp.takeErrors()).isEmpty();
            assertThat(oldApp.takeSchemas()).as("no version schema before the expand").containsExactly(db.schema());
            TreeSet<String> before = db.objects();
            List<String> schemasBefore = db.schemas();
            Map<String, Long> filesBefore = db.postgres() ? db.relfilenodes() : Map.of();
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), releases.next())
                    .resourceAccessor(releases.resources())
                    .backfillBatchSize(40).backfillPause(Duration.ZERO).bakeTime(Duration.ZERO).build();

            // The OLD app writes during the expand on PostgreSQL. H2 takes no table lock for CREATE and DROP
            // TRIGGER, so a statement running at that instant can fail inside H2 (see the README): on H2 the
            // OLD app writes right before and right after each step instead.
            Workload.run(db.dataSource(), concurrent(db, oldApp), OPS, migrations::expand);
            assertThat(oldApp.takeErrors()).as("OLD app errors during expand").isEmpty();
            String previous = previousVersionSchema(db, releases);
            Workload.run(db.dataSource(), List.of(oldApp), OPS, null);
            assertThat(oldApp.takeErrors()).as("OLD app errors after expand").isEmpty();
            assertThat(oldApp.takeSchemas()).as("the OLD app on the previous version's schema").contains(previous);
            assertThat(migrations.status()).isNotEmpty().allMatch(s -> s.phase() == MigrationPhase.EXPANDED);
            if (db.postgres()) {
                assertThat(db.relfilenodes()).as("no table rewritten by expand").containsAllEntriesOf(filesBefore);
                newApp.on(db.dataSource(newVersionSchema(db, scenario)));
                assertThat(db.count("SELECT COUNT(*) FROM information_schema.views WHERE table_schema IN ('" + previous
                        + "', '" + newVersionSchema(db, scenario) + "') AND is_insertable_into = 'YES' AND is_updatable = 'YES'"))
                        .as("every view of both versions is writable")
                        .isEqualTo(db.count("SELECT COUNT(*) FROM information_schema.views WHERE table_schema IN ('"
                                + previous + "', '" + newVersionSchema(db, scenario) + "')")).isPositive();
            }

            Workload.run(db.dataSource(), List.of(oldApp, newApp), OPS, null);
            assertThat(oldApp.takeErrors()).as("OLD app errors on the expanded schema").isEmpty();
            assertThat(oldApp.takeSchemas()).as("the OLD app on the previous version's schema").containsExactly(previous);
            assertThat(newApp.takeErrors()).as("NEW app errors on the expanded schema").isEmpty();
            scenario.checkExpanded(db, oldApp.ids, newApp.ids);

            Workload.run(db.dataSource(), concurrent(db, oldApp), OPS, migrations::rollback);
            assertThat(oldApp.takeErrors()).as("OLD app errors during rollback").isEmpty();
            Workload.run(db.dataSource(), List.of(oldApp), OPS, null);
            assertThat(oldApp.takeErrors()).as("OLD app errors after rollback").isEmpty();
            assertThat(oldApp.takeSchemas()).as("the OLD app on the previous version's schema").containsExactly(previous);
            assertThat(migrations.status()).allMatch(s -> s.phase() == MigrationPhase.ROLLED_BACK);
            assertThat(db.objects()).as("schema after rollback").isEqualTo(before);
            assertThat(db.schemas()).as("version schemas after rollback: the running version's stays")
                    .isEqualTo(db.postgres() ? List.of(previous) : schemasBefore);
            assertThat(db.count("SELECT COUNT(*) FROM customer")).as("rows after rollback").isEqualTo(rows(scenario, oldApp, newApp));
            scenario.checkRolledBack(db, oldApp.ids, newApp.ids);

            assertThat(db.archives()).as("archives of NEW-only values, in the library's own schema")
                    .hasSize(scenario.archives(db));
            Set<Long> newBeforeRollback = new HashSet<>(newApp.ids);
            migrations.expand();
            assertThat(migrations.status()).allMatch(s -> s.phase() == MigrationPhase.EXPANDED);
            assertThat(db.archives()).as("archives after a second expand restored them").isEmpty();
            scenario.checkRestored(db, oldApp.ids, newBeforeRollback);
            Workload.run(db.dataSource(), List.of(oldApp, newApp), OPS, null);
            assertThat(oldApp.takeErrors()).as("OLD app errors after a second expand").isEmpty();
            assertThat(newApp.takeErrors()).as("NEW app errors after a second expand").isEmpty();
            assertThat(oldApp.takeSchemas()).as("the OLD app on the previous version's schema").containsExactly(previous);

            migrations.contract();
            assertThat(migrations.status()).allMatch(s -> s.phase() == MigrationPhase.CONTRACTED);
            Workload.App contracted = new Workload.App("NEW", scenario::newWriteContracted, 2_000_000);
            if (db.postgres()) {
                String schema = newVersionSchema(db, scenario);
                assertThat(db.schemas()).as("version schemas after contract").containsExactly(schema);
                try (Connection gone = db.dataSource(previous).getConnection()) {
                    assertThatThrownBy(() -> scenario.oldWrite(gone, -7)).as("the previous version is gone after contract")
                            .isInstanceOf(SQLException.class);
                }
                contracted.on(db.dataSource(schema));
            }
            Workload.run(db.dataSource(), List.of(contracted), OPS, null);
            assertThat(contracted.takeErrors()).as("NEW app errors after contract").isEmpty();
            assertThat(db.objects()).as("helpers after contract")
                    .noneMatch(o -> o.contains("rb_") || o.startsWith("trigger ") || o.startsWith("function "));
            assertThat(db.count("SELECT COUNT(*) FROM " + scenario.table())).as("rows after contract")
                    .isEqualTo(rows(scenario, oldApp, newApp) + contracted.ids.size());
            scenario.checkContracted(db, oldApp.ids, newApp.ids);
        }
    }

    /**
     * The previous version's schema as release 2 finds it for its old code ({@link VersionSchema.Names#previous()}),
     * which is the one release 1 finds from its own change log: that of its change set on PostgreSQL, the
     * physical schema on H2.
     */
    private static String previousVersionSchema(TestDatabase db, Releases releases) throws Exception {
        try (Connection connection = db.dataSource().getConnection()) {
            String previous = VersionSchema.resolveNames(connection, db.schema(), releases.ids(releases.next())).previous();
            assertThat(previous).as("the previous version's schema")
                    .isEqualTo(db.postgres() ? VersionSchema.name(db.schema(), Releases.FIRST) : db.schema())
                    .isEqualTo(VersionSchema.resolve(connection, db.schema(), releases.ids(releases.previous())));
            return previous;
        }
    }

    /** The schema the NEW app puts on its search path, found as an application finds it. */
    private static String newVersionSchema(TestDatabase db, Scenario scenario) throws Exception {
        try (Connection connection = db.dataSource().getConnection()) {
            String schema = VersionSchema.resolve(connection, db.schema(), VersionSchema.changeSetIds(scenario.changelog));
            assertThat(schema).as("the NEW app's version schema").isNotEqualTo(db.schema());
            return schema;
        }
    }

    private static List<Workload.App> concurrent(TestDatabase db, Workload.App oldApp) {
        return db.postgres() ? List.of(oldApp) : List.of();
    }

    private static long rows(Scenario scenario, Workload.App oldApp, Workload.App newApp) {
        return oldApp.ids.size() + (long) newApp.ids.size();
    }
}
