package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.DeploymentResult;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.VersionStatus;
import io.micrometer.core.instrument.MockClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input: each a clear error naming the change set and what to do, and the database left where
 * expand, contract or rollback can proceed. Also the contrast: the plain Liquibase change breaks the
 * OLD app.
 */
class BadInputTest {

    private static final String RENAME = "scenarios/rename-column.xml";
    private static final String RETYPE = "scenarios/change-column-type.yaml";

    static List<String> kinds() {
        return TestDatabase.kinds();
    }

    private static TestDatabase customers(String kind, String test) throws Exception {
        TestDatabase db = TestDatabase.open(kind, test);
        Scenario scenario = new Scenarios.RenameColumn();
        db.execute(scenario.setup().toArray(String[]::new));
        try (Connection connection = db.dataSource().getConnection()) {
            for (long id = 1; id <= 50; id++) {
                scenario.oldWrite(connection, id);
            }
        }
        return db;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void plainRenameColumnBreaksTheOldApp(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "plain_rename")) {
            ExpandContract.builder(db.dataSource(), "scenarios/plain-rename-column.yaml").lint(LintMode.OFF).build().expand();

            Workload.App oldApp = new Workload.App("OLD", new Scenarios.RenameColumn()::oldWrite, 100);
            try (Connection connection = db.dataSource().getConnection()) {
                oldApp.write(connection);
            }
            assertThat(oldApp.takeErrors()).singleElement().asString().containsIgnoringCase("email");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void destructiveChangeMixedIntoAnExpandIsRefusedBeforeAnythingRuns(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "mixed")) {
            TreeSet<String> before = db.objects();
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "bad/mixed.yaml").build();

            assertThatThrownBy(migrations::expand).isInstanceOf(LintException.class)
                    .hasMessageContaining("bad/mixed.yaml::mixed::test")
                    .hasMessageContaining("dropColumn drops a column the running version still reads and writes")
                    .hasMessageContaining("use expandDropColumn")
                    .hasMessageContaining("a change set of its own")
                    .hasMessageContaining("Nothing was run");
            assertThat(db.objects()).isEqualTo(before);
            assertThat(migrations.status()).isEmpty();

            ExpandContract.builder(db.dataSource(), RENAME).build().expand();
            assertThat(db.count("SELECT COUNT(*) FROM " + new Scenarios.RenameColumn().newShape(db, "customer")
                    + " WHERE email_address IS NOT NULL")).as("the new version sees the renamed column").isEqualTo(50);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void unknownColumnNamesTheChangeSetAndChangesNothing(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "unknown")) {
            TreeSet<String> before = db.objects();
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "bad/unknown-column.yaml").build();

            assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("change set bad/unknown-column.yaml::unknown-column::test")
                    .hasMessageContaining("table customer has no column emial")
                    .hasMessageContaining("Fix the change set, then run expand again; nothing was changed");
            assertThat(db.objects()).isEqualTo(before);
            assertThat(migrations.status()).isEmpty();
            assertThat(db.count("SELECT COUNT(*) FROM databasechangelog")).isZero();

            ExpandContract.builder(db.dataSource(), RENAME).build().expand();
            assertThat(db.count("SELECT COUNT(*) FROM " + new Scenarios.RenameColumn().newShape(db, "customer")
                    + " WHERE email_address IS NOT NULL")).as("the new version sees the renamed column").isEqualTo(50);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void contractIsRefusedWhileAnOldInstanceLivesAndBeforeTheBakeTime(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "refused")) {
            MockClock clock = new MockClock();
            Instant start = Instant.ofEpochMilli(clock.wallTime());
            InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();
            MicroserviceVersion old = MicroserviceVersion.of("checkout", "1.4.0", start.minusSeconds(3600), VersionStatus.DEPLOYED);
            MicroserviceVersion next = MicroserviceVersion.of("checkout", "1.5.0", start, VersionStatus.DEPLOYED);
            ledger.recordVersion(old);
            ledger.recordVersion(next);
            DeploymentRecord oldPod = new DeploymentRecord("d-old", old.id(), "pod-old-7f9c", start.minusSeconds(3600), null,
                    DeploymentResult.RUNNING);
            ledger.recordDeployment(oldPod);
            ledger.recordDeployment(new DeploymentRecord("d-new", next.id(), "pod-new-1a2b", start, null, DeploymentResult.RUNNING));
            ledger.heartbeat("d-old", start);
            ledger.heartbeat("d-new", start);
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), RENAME).ledger(ledger).serviceName("checkout")
                    .bakeTime(Duration.ofMinutes(10)).instanceTimeout(Duration.ofSeconds(60)).clock(clock).build();
            migrations.expand();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::serviceVersion).isEqualTo("1.5.0");

            clock.add(5, TimeUnit.MINUTES);
            ledger.heartbeat("d-old", Instant.ofEpochMilli(clock.wallTime()));
            assertThatThrownBy(migrations::contract).isInstanceOfSatisfying(ContractRefusedException.class, refused -> {
                assertThat(refused.blockingInstances()).extracting(i -> i.instanceId()).containsExactly("pod-old-7f9c");
                assertThat(refused.bakeTimeLeft()).isEqualTo(Duration.ofMinutes(5));
                assertThat(refused).hasMessageContaining("pod-old-7f9c (version 1.4.0")
                        .hasMessageContaining("PT5M left").hasMessageContaining("Run contract again later");
            });
            clock.add(6, TimeUnit.MINUTES);
            ledger.heartbeat("d-old", Instant.ofEpochMilli(clock.wallTime()));
            assertThatThrownBy(migrations::contract).isInstanceOf(ContractRefusedException.class)
                    .hasMessageContaining("pod-old-7f9c").hasMessageNotContaining("bake time");
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);

            ledger.recordDeployment(oldPod.ended(Instant.ofEpochMilli(clock.wallTime()), DeploymentResult.COMPLETED));
            migrations.contract();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.CONTRACTED);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aLockThatNeverClearsFailsTheExpandWhichThenFinishesOrRollsBack(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "locked")) {
            TreeSet<String> before = db.objects();
            // a type change: on PostgreSQL a rename takes no lock on the table at expand
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), RETYPE).lockTimeout(Duration.ofMillis(200))
                    .lockRetries(1).build();
            try (Connection holder = db.dataSource().getConnection()) {
                holdLock(holder);
                assertThatThrownBy(migrations::expand).isInstanceOf(MigrationException.class)
                        .hasMessageContaining("change set scenarios/change-column-type.yaml::change-column-type::test")
                        .hasMessageContaining("no lock on customer within 200 ms, 2 times")
                        .hasMessageContaining("Run expand again once that is fixed, or rollback to undo what expand did");
                holder.rollback();
            }
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDING);

            migrations.expand();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);
            migrations.rollback();
            assertThat(db.objects()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anInterruptedRollbackRunAgainFinishesCleanly(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "interrupted")) {
            TreeSet<String> before = db.objects();
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), "scenarios/change-column-type.yaml")
                    .lockTimeout(Duration.ofMillis(200)).lockRetries(0).build();
            migrations.expand();
            // a NEW write: on PostgreSQL through the new version's schema, as the NEW app has it on its search path
            try (Connection connection = (db.postgres() ? db.dataSource(new Scenarios.ChangeColumnType().newSchema(db))
                    : db.dataSource()).getConnection()) {
                Scenario.exec(connection, "INSERT INTO customer (id, name, amount_dec) VALUES (900, 'new', 12.34)");
            }

            try (Connection holder = db.dataSource().getConnection()) {
                holdLock(holder);
                assertThatThrownBy(migrations::rollback).isInstanceOf(MigrationException.class)
                        .hasMessageContaining("scenarios/change-column-type.yaml::change-column-type::test")
                        .hasMessageContaining("Run rollback again once that is fixed");
                holder.rollback();
            }
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.ROLLING_BACK);

            migrations.rollback();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.ROLLED_BACK);
            assertThat(db.objects()).isEqualTo(before);
            assertThat(db.count("SELECT amount FROM customer WHERE id = 900")).isEqualTo(1234);

            migrations.expand();
            assertThat(db.count("SELECT COUNT(*) FROM customer WHERE id = 900 AND amount_dec = 12.34")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aRollbackThatDiedHalfWayIsFinished(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "died")) {
            TreeSet<String> before = db.objects();
            // a type change: on PostgreSQL a rename leaves nothing physical for a rollback to undo
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), RETYPE).build();
            migrations.expand();
            // as if the process died after the first steps of its rollback: phase set, trigger gone, column left
            String helper = dev.rollback.liquibase.internal.Engine.helper(migrations.status().get(0).id());
            db.execute("UPDATE rollback_migration SET phase = 'ROLLING_BACK'",
                    db.postgres() ? "DROP TRIGGER rb_trg_" + helper + " ON customer" : "DROP TRIGGER rb_trg_" + helper);

            migrations.rollback();
            assertThat(db.objects()).isEqualTo(before);
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.ROLLED_BACK);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void contractDoesNotSilentlyDropTheUniquenessOfARenamedColumn(String kind) throws Exception {
        try (TestDatabase db = customers(kind, "unique_rename")) {
            db.execute("CREATE UNIQUE INDEX ux_customer_email ON customer (email)");
            ExpandContract migrations = ExpandContract.builder(db.dataSource(), RENAME).bakeTime(java.time.Duration.ZERO).build();
            migrations.expand();
            if (db.postgres()) {
                // renamed as an alias: contract renames the column, and its unique index follows
                migrations.contract();
                assertThat(db.objects()).contains(
                        "index definition create unique index ux_customer_email on customer using btree (email_address)");
                return;
            }

            assertThatThrownBy(migrations::contract).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("scenarios/rename-column.xml::rename-column::test")
                    .hasMessageContaining("column email is unique and email_address is not")
                    .hasMessageContaining("add expandAddUnique on email_address")
                    .hasMessageContaining("Run contract again once that is fixed");
            assertThat(db.objects()).contains("index ux_customer_email", "column customer.email character varying nullable=yes");
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.EXPANDED);

            db.execute("CREATE UNIQUE INDEX ux_customer_email_address ON customer (email_address)");
            migrations.contract();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase).isEqualTo(MigrationPhase.CONTRACTED);
        }
    }

    /** Holds a lock on customer that DDL waits for: an open transaction that wrote to it. */
    @Test
    void anExpandWhoseConnectionIsKilledMidBackfillSaysWhatToDoAndReleasesTheLock() throws Exception {
        try (TestDatabase db = customers("postgresql", "killed")) {
            try (Connection connection = db.dataSource().getConnection()) {
                Scenario scenario = new Scenarios.RenameColumn();
                for (long id = 1_000; id < 3_000; id++) {
                    scenario.oldWrite(connection, id);
                }
            }
            TreeSet<String> before = db.objects();
            String name = "rb-killed-" + db.schema();
            ExpandContract migrations = ExpandContract.builder(db.dataSourceNamed(name), "scenarios/add-not-null.yaml")
                    .backfillBatchSize(20).backfillPause(Duration.ofMillis(20)).build();
            // Kills the connection that runs the backfill's UPDATEs (pg_stat_activity shows a connection's last
            // statement while it pauses between batches); looks until that succeeds or the expand ends, not
            // for a fixed number of tries, which a slow start of the expand could outlast.
            AtomicBoolean expandEnded = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            Thread killer = new Thread(() -> {
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement kill = connection.prepareStatement("SELECT pg_terminate_backend(pid)"
                             + " FROM pg_stat_activity WHERE application_name = ? AND query LIKE 'UPDATE %rb_row SET%'")) {
                    kill.setString(1, name);
                    while (!expandEnded.get()) {
                        try (ResultSet rows = kill.executeQuery()) {
                            while (rows.next()) {
                                killed.compareAndSet(false, rows.getBoolean(1));
                            }
                        }
                        if (killed.get()) {
                            return;
                        }
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "killer");
            killer.start();

            Throwable thrown = catchThrowable(() -> {
                try {
                    migrations.expand();
                } finally {
                    expandEnded.set(true);
                }
            });
            assertThat(thrown).as("the expand; the killer %s its backfill's connection",
                            killed.get() ? "killed" : "never killed")
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining("scenarios/add-not-null.yaml::add-not-null::test")
                    .hasMessageContaining("backfill")
                    .hasMessageContaining("Run expand again once that is fixed, or rollback");
            killer.join();
            assertThat(db.count("SELECT COUNT(*) FROM databasechangeloglock WHERE locked")).as("Liquibase's lock").isZero();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.EXPANDING);

            migrations.rollback();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.ROLLED_BACK);
            assertThat(db.objects()).as("schema after the rollback of the killed expand").isEqualTo(before);
            migrations.expand();
            assertThat(migrations.status()).singleElement().extracting(MigrationStatus::phase)
                    .isEqualTo(MigrationPhase.EXPANDED);
        }
    }

    private static void holdLock(Connection holder) throws Exception {
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.executeUpdate("UPDATE customer SET amount = amount WHERE id = 1");
        }
    }
}
