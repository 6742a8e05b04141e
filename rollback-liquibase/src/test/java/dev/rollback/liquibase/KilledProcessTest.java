package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.rollback.liquibase.cli.ExpandContractCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A JVM killed ({@code SIGKILL}, so nothing of it runs any more: no finally, no shutdown hook) in the
 * middle of a step on the real PostgreSQL, then what another process finds and does: {@code status}
 * names the migration, its phase and the next command; Liquibase's change log lock, which Liquibase
 * 4.33 leaves held for a dead process, is recognised as left by a process that is gone and released;
 * rollback leaves the schema and every value as they were before the expand (the acceptance suite's
 * catalog diff); expand from the killed state completes, and contract after it. The same for a
 * rollback killed while it archives the values only the new version knew, and for a contract killed
 * twice: while it validates a foreign key over a large table, inside Liquibase's own update (so
 * holding Liquibase's lock), and while it waits for a table lock a reader of the old version holds.
 */
class KilledProcessTest {

    private static final Scenario SCENARIO = new Scenarios.ChangeColumnType();
    private static final int ROWS = 40_000;
    private static final String CONTRACT_RELEASE = "killed/release-2.yaml";
    private static final int CUSTOMERS = 40_000;
    private static final int PRODUCTS = 1_000;
    /** Enough orders that validating their foreign key takes a while (bounded: one statement). */
    private static final int ORDERS = 300_000;

    @Test
    void anExpandWhoseJvmIsKilledMidBackfillIsRolledBackToTheSameSchemaThenExpandedAgainAndContracted() throws Exception {
        try (TestDatabase db = customers("jvm_killed")) {
            TreeSet<String> before = db.objects();
            List<List<Object>> rowsBefore = oldRows(db);
            ExpandContract migrations = migrations(db);

            killMidway(db, SCENARIO.changelog, "expand", "the backfill to have started", () -> backfilled(db) > 0);

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

            killMidway(db, SCENARIO.changelog, "expand", "the backfill to have started", () -> backfilled(db) > 0);
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

            killMidway(db, SCENARIO.changelog, "rollback", "the archive to have started", () -> phase(db).equals("ROLLING_BACK")
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

    @Test
    void aContractWhoseJvmIsKilledTwiceRefusesRollbackAndIsFinishedByContractToTheSchemaAnUninterruptedOneGives()
            throws Exception {
        TreeSet<String> uninterrupted;
        try (TestDatabase reference = orders("contract_reference", 100)) {
            contractMigrations(reference).contract();
            uninterrupted = reference.objects();
        }
        try (TestDatabase db = orders("jvm_killed_contract", ORDERS)) {
            ExpandContract migrations = contractMigrations(db);
            String newest = db.schema() + "_order_rules";
            List<List<Object>> newRows = rows(db, newest);
            assertThat(db.count("SELECT COUNT(*) FROM " + newest + ".orders WHERE id = 1 AND quantity = 9"
                    + " OR id = " + (ORDERS + 1) + " AND product_id IS NULL AND quantity = 3"
                    + " OR id = " + (ORDERS + 2) + " AND product_id = 7 AND quantity IS NULL"
                    + " OR id = " + (ORDERS + 3) + " AND product_id = " + (PRODUCTS + 1) + " AND quantity = 2"))
                    .as("each version's writes, as the new version sees them").isEqualTo(4);
            assertThat(db.count("SELECT COUNT(*) FROM " + newest + ".customer WHERE id = 7 AND amount_dec = 12.34"
                    + " OR id = " + (CUSTOMERS + 1) + " AND amount_dec = 56.78")).isEqualTo(2);

            // 1: inside Liquibase's update (which holds its lock), while it validates the foreign key over every order
            String validating = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + child(db)
                    + "' AND state = 'active' AND query LIKE '%VALIDATE CONSTRAINT fk_orders_product%'";
            killMidway(db, CONTRACT_RELEASE, "update-contract", "the foreign key's validation", () -> db.count(validating) > 0);
            assertThat(db.count("SELECT COUNT(*) FROM databasechangeloglock WHERE locked"))
                    .as("Liquibase 4.33 leaves the lock of a killed update held").isOne();
            assertContractInterrupted(db, migrations);
            assertThat(status(db)).contains("by an update whose database session is gone (its process died while it worked"
                    + " on " + CONTRACT_RELEASE + "::order-rules::test", "expand, contract and rollback release it");
            TreeSet<String> killed = db.objects();
            assertThatThrownBy(migrations::rollback).isInstanceOf(MigrationException.class)
                    .hasMessageContaining(CONTRACT_RELEASE + "::order-rules::test")
                    .hasMessageContaining("is CONTRACTING: its contract was interrupted")
                    .hasMessageContaining("rollback is refused; run contract again to finish it (nothing was changed)");
            assertThat(db.objects()).as("the schema after the refused rollback").isEqualTo(killed);
            assertThat(migrations.changelogLock()).as("the dead update's lock, released by the refused rollback").isEmpty();
            assertContractInterrupted(db, migrations);

            // 2: once the orders are contracted, while it waits for the lock of a reader of the customers
            try (Connection reader = db.dataSource().getConnection()) {
                reader.setAutoCommit(false);
                try (Statement read = reader.createStatement()) {
                    read.executeQuery("SELECT COUNT(*) FROM customer").close();
                }
                String waiting = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + child(db)
                        + "' AND wait_event_type = 'Lock'";
                killMidway(db, CONTRACT_RELEASE, "contract", "a wait for the reader's lock", () -> db.count(waiting) > 0);
                reader.rollback();
            }
            assertContractInterrupted(db, migrations);
            assertThat(db.columns(db.schema(), "orders")).as("the orders, contracted").containsExactlyInAnyOrder("id", "product_id",
                    "quantity");
            assertThat(db.columns(db.schema(), "customer")).as("the customers, not yet").contains("amount", "amount_dec");

            migrations.contract();
            assertThat(migrations.status()).extracting(MigrationStatus::phase).containsOnly(MigrationPhase.CONTRACTED);
            assertThat(migrations.changelogLock()).isEmpty();
            assertThat(db.objects()).as("the schema after the interrupted contracts, against an uninterrupted one")
                    .isEqualTo(uninterrupted);
            assertThat(db.schemas()).as("only the newest version's schema is left").containsExactly(newest);
            assertThat(rows(db, db.schema())).as("every row as the new version wrote or saw it").isEqualTo(newRows);
            assertThat(rows(db, newest)).as("through the newest version's schema").isEqualTo(newRows);
        }
    }

    /** What {@code status} says after a contract was killed: every migration of the release is CONTRACTING. */
    private static void assertContractInterrupted(TestDatabase db, ExpandContract migrations) {
        assertThat(migrations.status()).hasSize(3).allSatisfy(status -> {
            assertThat(status.phase()).isEqualTo(MigrationPhase.CONTRACTING);
            assertThat(status.nextStep()).isEqualTo("its contract was interrupted (or is running): run contract again to"
                    + " finish it; rollback is refused, since contract dropped the previous version's schema first");
        });
        assertThat(status(db)).contains("CONTRACTING  expandAddForeignKey on orders",
                "CONTRACTING  expandAddCheck on orders", "CONTRACTING  expandChangeColumnType on customer",
                CONTRACT_RELEASE + "::order-rules::test", "next: its contract was interrupted (or is running): run contract again");
    }

    private static ExpandContract contractMigrations(TestDatabase db) {
        return ExpandContract.builder(db.dataSource(), CONTRACT_RELEASE).bakeTime(Duration.ZERO).build();
    }

    /**
     * Release 1 (customers, products, orders) with {@code orders} orders of {@value #PRODUCTS} products,
     * release 2 expanded (a foreign key and a check on shadow columns of the orders, the customers'
     * amount retyped), then writes of each version through its own schema: the old one's dangling
     * reference and refused quantity (NULL for the new version) and changed amount, the new one's
     * product, order, customer and quantity.
     */
    private static TestDatabase orders(String test, int orders) throws SQLException {
        TestDatabase db = TestDatabase.open("postgresql", test);
        ExpandContract.builder(db.dataSource(), "killed/release-1.yaml").build().expand();
        db.execute("INSERT INTO customer (id, name, amount) SELECT g, 'n' || g, g FROM generate_series(1, " + CUSTOMERS + ") g",
                "INSERT INTO product (id, title) SELECT g, 't' || g FROM generate_series(1, " + PRODUCTS + ") g",
                "INSERT INTO orders (id, product_id, quantity) SELECT g, g % " + PRODUCTS + " + 1, g % 5 + 1"
                        + " FROM generate_series(1, " + orders + ") g");
        ExpandContract.builder(db.dataSource(), CONTRACT_RELEASE).backfillBatchSize(20_000).backfillPause(Duration.ZERO)
                .build().expand();
        write(db.dataSource(db.schema() + "_create_tables"),
                "INSERT INTO orders (id, product_id, quantity) VALUES (" + (ORDERS + 1) + ", 999999, 3)",
                "INSERT INTO orders (id, product_id, quantity) VALUES (" + (ORDERS + 2) + ", 7, 0)",
                "UPDATE customer SET amount = 1234 WHERE id = 7");
        write(db.dataSource(db.schema() + "_order_rules"),
                "INSERT INTO product (id, title) VALUES (" + (PRODUCTS + 1) + ", 'new')",
                "INSERT INTO orders (id, product_id, quantity) VALUES (" + (ORDERS + 3) + ", " + (PRODUCTS + 1) + ", 2)",
                "UPDATE orders SET quantity = 9 WHERE id = 1",
                "INSERT INTO customer (id, name, amount_dec) VALUES (" + (CUSTOMERS + 1) + ", 'new', 56.78)");
        return db;
    }

    /** Runs statements as the version whose schema a data source is on. */
    private static void write(DataSource version, String... statements) throws SQLException {
        try (Connection connection = version.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Every order, then every customer, as a schema shows them (the physical one: after contract). */
    private static List<List<Object>> rows(TestDatabase db, String schema) throws SQLException {
        List<List<Object>> rows = new ArrayList<>(db.rows("SELECT id, product_id, quantity FROM " + schema
                + ".orders ORDER BY id"));
        rows.addAll(db.rows("SELECT id, name, amount_dec FROM " + schema + ".customer ORDER BY id"));
        return rows;
    }

    /** The application name of the child JVM's sessions. */
    private static String child(TestDatabase db) {
        return "rb-child-" + db.schema();
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
    private static void killMidway(TestDatabase db, String changelog, String step, String what, Condition started)
            throws Exception {
        String name = child(db);
        Path log = Files.createTempFile("rollback-migration-process", ".log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MigrationProcess.class.getName(), TestDatabase.PG_URL,
                TestDatabase.PG_USER, TestDatabase.PG_PASSWORD, db.schema(), name, changelog, step)
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
        for (int i = 0; i < 12_000; i++) {
            if (condition.holds()) {
                return;
            }
            if (child != null && !child.isAlive()) {
                fail("the child JVM ended (exit " + child.exitValue() + ") before " + what + ":\n" + read(log));
            }
            Thread.sleep(5);
        }
        fail("waited a minute for " + what + ":\n" + read(log));
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
