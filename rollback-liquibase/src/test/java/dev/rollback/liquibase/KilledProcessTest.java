package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.rollback.liquibase.cli.ExpandContractCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM killed ({@code SIGKILL}, so nothing of it runs any more: no finally, no shutdown hook) in the
 * middle of a step on the real PostgreSQL, then what another process finds and does: {@code status}
 * names the migration, its phase and the next command; Liquibase's change log lock, which Liquibase
 * 4.33 leaves held for a dead process, is recognised as left by a process that is gone and released;
 * rollback leaves the schema and every value as they were before the expand (the acceptance suite's
 * catalog diff); expand from the killed state completes, and contract after it. The same for a
 * rollback killed while it archives the values only the new version knew.
 */
class KilledProcessTest {

    private static final Scenario SCENARIO = new Scenarios.ChangeColumnType();
    private static final int ROWS = 40_000;

    @Test
    void anExpandWhoseJvmIsKilledMidBackfillIsRolledBackToTheSameSchemaThenExpandedAgainAndContracted() throws Exception {
        try (TestDatabase db = customers("jvm_killed")) {
            TreeSet<String> before = db.objects();
            List<List<Object>> rowsBefore = oldRows(db);
            ExpandContract migrations = migrations(db);

            killMidway(db, "expand", "the backfill to have started", () -> backfilled(db) > 0);

            assertThat(db.count("SELECT COUNT(*) FROM databasechangeloglock WHERE locked"))
                    .as("Liquibase 4.33 leaves the lock of a killed update held").isOne();
            assertThat(migrations.status()).singleElement().satisfies(status -> {
                assertThat(status.phase()).isEqualTo(MigrationPhase.EXPANDING);
                assertThat(status.nextStep()).contains("run expand again to finish it, or rollback to undo it");
            });
            assertThat(status(db)).contains("EXPANDING  expandChangeColumnType on customer",
                    SCENARIO.changelog + "::change-column-type::test",
                    "next: its expand was interrupted (or is running): run expand again to finish it, or rollback",
                    "by an update whose database session is gone (its process died while it worked on "
                            + SCENARIO.changelog + "::change-column-type::test",
                    "expand, contract and rollback release it");

            migrations.rollback();
            assertThat(db.count("SELECT COUNT(*) FROM databasechangeloglock WHERE locked")).as("Liquibase's lock").isZero();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.ROLLED_BACK);
            assertThat(db.objects()).as("schema after the rollback of the killed expand").isEqualTo(before);
            assertThat(oldRows(db)).as("rows after the rollback")
                    .isEqualTo(rowsBefore);
            assertThat(status(db)).contains("ROLLED_BACK", "next: the old version's schema is back: run expand",
                    "Liquibase's change log lock is free");

            killMidway(db, "expand", "the backfill to have started", () -> backfilled(db) > 0);
            migrations.expand();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.EXPANDED);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE amount_dec IS NULL OR amount_dec * 100 <> amount"))
                    .as("rows not backfilled").isZero();
            assertThat(migrations.changelogLock()).isEmpty();

            migrations.contract();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.CONTRACTED);
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE amount_dec * 100 = id")).isEqualTo(ROWS);
        }
    }

    @Test
    void aRollbackWhoseJvmIsKilledMidArchiveIsFinishedByRollbackAndExpandRestoresTheArchive() throws Exception {
        try (TestDatabase db = customers("jvm_killed_rb")) {
            TreeSet<String> before = db.objects();
            List<List<Object>> rowsBefore = oldRows(db);
            ExpandContract migrations = migrations(db);
            migrations.expand();

            killMidway(db, "rollback", "the archive to have started", () -> phase(db).equals("ROLLING_BACK")
                    && !db.archives().isEmpty() && db.count("SELECT COUNT(*) FROM rollback_archive." + db.archives().get(0)) > 0);

            assertThat(migrations.status()).singleElement().satisfies(status -> {
                assertThat(status.phase()).isEqualTo(MigrationPhase.ROLLING_BACK);
                assertThat(status.nextStep()).contains("run rollback again to finish it");
            });
            assertThat(db.count("SELECT COUNT(*) FROM rollback_archive." + db.archives().get(0)))
                    .as("archived when killed").isBetween(1L, ROWS - 1L);
            assertThat(status(db)).contains("ROLLING_BACK  expandChangeColumnType on customer",
                    "next: its rollback was interrupted (or is running): run rollback again",
                    "Liquibase's change log lock is free");

            migrations.rollback();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.ROLLED_BACK);
            assertThat(db.objects()).as("schema after the rollback finished").isEqualTo(before);
            assertThat(oldRows(db)).as("rows after the rollback")
                    .isEqualTo(rowsBefore);
            assertThat(db.count("SELECT COUNT(*) FROM rollback_archive." + db.archives().get(0)))
                    .as("every NEW value archived").isEqualTo(ROWS);

            migrations.expand();
            assertThat(db.archives()).as("the archive, restored and dropped").isEmpty();
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE amount_dec IS NULL OR amount_dec * 100 <> amount"))
                    .isZero();
            migrations.contract();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.CONTRACTED);
        }
    }

    /** The rows as the OLD app sees them. */
    private static List<List<Object>> oldRows(TestDatabase db) throws SQLException {
        return db.rows("SELECT id, name, email, amount FROM customer ORDER BY id");
    }

    private static ExpandContract migrations(TestDatabase db) {
        return ExpandContract.builder(db.dataSource(), SCENARIO.changelog).bakeTime(Duration.ZERO).build();
    }

    private static String phase(TestDatabase db) throws SQLException {
        List<List<Object>> rows = db.rows("SELECT phase FROM " + ExpandContract.PHASE_TABLE);
        return rows.isEmpty() ? "" : (String) rows.get(0).get(0);
    }

    private static TestDatabase customers(String test) throws SQLException {
        TestDatabase db = TestDatabase.open("postgresql", test);
        db.execute(SCENARIO.setup().toArray(String[]::new));
        db.execute("INSERT INTO customer (id, name, email, amount) SELECT g, 'n' || g, 'e' || g || '@old', g"
                + " FROM generate_series(1, " + ROWS + ") g");
        return db;
    }

    /** What the command line's {@code status} prints. */
    private static String status(TestDatabase db) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = ExpandContractCommand.run(new String[] {"status", "--url", url(db), "--user", TestDatabase.PG_USER,
                "--password", TestDatabase.PG_PASSWORD}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        return out;
    }

    private static String url(TestDatabase db) {
        return TestDatabase.PG_URL + (TestDatabase.PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + db.schema();
    }

    /** The rows the expand backfilled so far. */
    private static long backfilled(TestDatabase db) throws SQLException {
        if (db.columns(db.schema(), "customer").contains("amount_dec")) {
            return db.count("SELECT COUNT(*) FROM customer WHERE amount_dec IS NOT NULL");
        }
        return 0;
    }

    /**
     * Runs a step in a JVM of its own, kills it forcibly once {@code started} holds (e.g. the backfill
     * started), and waits until the database has seen its sessions end.
     */
    private static void killMidway(TestDatabase db, String step, String what, Condition started) throws Exception {
        String name = "rb-child-" + db.schema();
        Path log = Files.createTempFile("rollback-migration-process", ".log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MigrationProcess.class.getName(), TestDatabase.PG_URL,
                TestDatabase.PG_USER, TestDatabase.PG_PASSWORD, db.schema(), name, SCENARIO.changelog, step)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String sessions = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + name + "'";
            waitFor(child, log, what, started);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
            waitFor(null, log, "the killed JVM's sessions to end", () -> db.count(sessions) == 0);
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws SQLException;
    }

    /** Polls a condition of the database for at most a minute (a bound, not a measurement). */
    private static void waitFor(Process child, Path log, String what, Condition condition) throws Exception {
        for (int i = 0; i < 3_000; i++) {
            if (condition.holds()) {
                return;
            }
            if (child != null && !child.isAlive()) {
                fail("the child JVM ended (exit " + child.exitValue() + ") before " + what + ":\n" + read(log));
            }
            Thread.sleep(20);
        }
        fail("waited a minute for " + what + ":\n" + read(log));
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
