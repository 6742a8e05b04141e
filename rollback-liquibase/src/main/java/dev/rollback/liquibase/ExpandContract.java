package dev.rollback.liquibase;

import dev.rollback.core.check.Arguments;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.ServiceInstance;
import dev.rollback.liquibase.internal.BackfillMeters;
import dev.rollback.liquibase.internal.ChangelogLock;
import dev.rollback.liquibase.internal.Engine;
import dev.rollback.liquibase.internal.PhaseTable;
import dev.rollback.liquibase.internal.Settings;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LockException;
import liquibase.lockservice.LockServiceFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a change log's expand/contract migrations: {@link #expand()} (Liquibase update: plain changes
 * as usual, the expand step of the expand/contract change types), {@link #contract()} once the
 * release is confirmed, {@link #rollback()} while the old version serves.
 *
 * <pre>{@code
 * ExpandContract migrations = ExpandContract.builder(dataSource, "db/changelog/db.changelog-master.yaml")
 *     .ledger(ledger).serviceName("checkout").serviceVersion("1.5.0")
 *     .build();
 * migrations.expand();    // at start-up of 1.5.0
 * migrations.contract();  // once 1.5.0 is confirmed and no 1.4 instance is alive
 * migrations.rollback();  // instead, if 1.5.0 is rolled back: 1.4 keeps its schema, nothing is lost
 * }</pre>
 *
 * <p>Contract and rollback read what to do from the phase table ({@value #PHASE_TABLE}), not from the
 * change log, so an older version, whose change log lacks the new change sets, can roll them back.
 * They act on every migration in the phase table of the connection's schema. Instances are immutable
 * and safe to share; each call takes its own connection and starts no thread.
 */
public final class ExpandContract {

    /** The phase table's name. */
    public static final String PHASE_TABLE = PhaseTable.TABLE;
    /** How long after the last expand contract is refused by default: 15 minutes. */
    public static final Duration DEFAULT_BAKE_TIME = Duration.ofMinutes(15);
    /** How old a heartbeat may be for its instance to count as alive, by default: 60 seconds. */
    public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(60);
    /** Rows per backfill statement by default. */
    public static final int DEFAULT_BACKFILL_BATCH_SIZE = Settings.DEFAULT_BATCH_SIZE;
    /** Pause between backfill batches by default. */
    public static final Duration DEFAULT_BACKFILL_PAUSE = Settings.DEFAULT_PAUSE;
    /** How long one statement waits for a lock by default. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Settings.DEFAULT_LOCK_TIMEOUT;
    /** How often a statement is tried again after a lock timeout, by default. */
    public static final int DEFAULT_LOCK_RETRIES = Settings.DEFAULT_LOCK_RETRIES;
    /** What the lint does by default. */
    public static final LintMode DEFAULT_LINT = LintMode.FAIL;
    /** How long to wait for an answer when checking whether the update's connection is still alive. */
    private static final int LOCK_CHECK_SECONDS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ExpandContract.class);

    private final DataSource dataSource;
    private final String changelog;
    private final ResourceAccessor resources;
    private final String contexts;
    private final RollbackLedger ledger;
    private final String serviceName;
    private final String serviceVersion;
    private final Duration bakeTime;
    private final Duration instanceTimeout;
    private final int backfillBatchSize;
    private final Duration backfillPause;
    private final Duration lockTimeout;
    private final int lockRetries;
    private final LintMode lint;
    private final Clock clock;
    private final BackfillMeters meters;

    private ExpandContract(Builder builder) {
        this.dataSource = builder.dataSource;
        this.changelog = builder.changelog;
        this.resources = builder.resources;
        this.contexts = builder.contexts;
        this.ledger = builder.ledger;
        this.serviceName = builder.serviceName;
        this.serviceVersion = builder.serviceVersion;
        this.bakeTime = builder.bakeTime;
        this.instanceTimeout = builder.instanceTimeout;
        this.backfillBatchSize = builder.backfillBatchSize;
        this.backfillPause = builder.backfillPause;
        this.lockTimeout = builder.lockTimeout;
        this.lockRetries = builder.lockRetries;
        this.lint = builder.lint;
        this.clock = builder.clock;
        this.meters = new BackfillMeters(builder.meterRegistry);
    }

    /**
     * Starts a builder.
     *
     * @param dataSource the database (PostgreSQL or H2)
     * @param changelog  the change log's path on the class path (or in the resource accessor set)
     * @return the builder
     */
    public static Builder builder(DataSource dataSource, String changelog) {
        return new Builder(dataSource, changelog);
    }

    /**
     * Lints the change sets not yet run (see {@link ChangelogLint}), then runs Liquibase update: plain
     * changes as usual, the expand step of each expand/contract change. An interrupted expand is
     * finished by calling this again.
     *
     * @throws LintException if the lint is {@link LintMode#FAIL} and found something; nothing was run
     * @throws MigrationException naming the change set and the next step if a step failed
     */
    public void expand() {
        releaseOrphanedChangelogLock();
        Settings settings = settings(expandingVersion());
        withLiquibase((liquibase, database) -> {
            if (lint != LintMode.OFF) {
                List<LintFinding> findings = ChangelogLint.lint(
                        liquibase.listUnrunChangeSets(new Contexts(contexts), new LabelExpression()),
                        database instanceof PostgresDatabase);
                if (!findings.isEmpty() && lint == LintMode.FAIL) {
                    throw new LintException(findings);
                }
                findings.forEach(finding -> LOG.warn("lint: {}", finding));
            }
            Scope.child(Map.of(Settings.SCOPE_KEY, settings),
                    () -> liquibase.update(new Contexts(contexts), new LabelExpression()));
        });
    }

    /**
     * Contracts every expanded migration (and finishes an interrupted contract), unless refused.
     *
     * @throws ContractRefusedException if the bake time has not passed since the last expand, or the
     *                                  ledger shows a live instance of a version older than an expand;
     *                                  nothing was changed
     * @throws MigrationException       naming the change set and the next step if a step failed
     */
    public void contract() {
        releaseOrphanedChangelogLock();
        withEngine(engine -> {
            List<PhaseTable.Row> rows = engine.rows();
            List<PhaseTable.Row> expanding = rows.stream().filter(r -> r.phase() == MigrationPhase.EXPANDING).toList();
            if (!expanding.isEmpty()) {
                throw new MigrationException(expanding.get(0).ref().toString(), "its expand was interrupted; finish it"
                        + " with expand, or undo it with rollback, before contracting.", null);
            }
            List<PhaseTable.Row> due = rows.stream().filter(r -> r.phase() == MigrationPhase.EXPANDED
                    || r.phase() == MigrationPhase.CONTRACTING).toList();
            if (due.isEmpty()) {
                return;
            }
            refuseIfTooEarly(due);
            engine.contract(due);
        });
    }

    /**
     * Rolls back every migration that is expanding, expanded or rolling back, newest first: helper
     * columns, triggers, functions, indexes and constraints are dropped, values only the new version
     * knew are archived (and restored by a later expand of the same change set), and the change sets
     * are removed from {@code DATABASECHANGELOG}. Run it again if it was interrupted. Refused, before
     * anything changes, while a contract is interrupted ({@link MigrationPhase#CONTRACTING}): contract
     * dropped the previous version's schema first.
     *
     * @throws MigrationException naming the change set and the next step if a step failed, or if a
     *                            contract was interrupted
     */
    public void rollback() {
        releaseOrphanedChangelogLock();
        withEngine(engine -> {
            List<PhaseTable.Row> rows = new ArrayList<>(engine.rows());
            // before anything changes: a migration whose contract was interrupted refuses the rollback of all
            rows.stream().filter(r -> r.phase() == MigrationPhase.CONTRACTING).findFirst()
                    .ifPresent(Engine::refuseRollbackOfContract);
            Collections.reverse(rows);
            for (PhaseTable.Row row : rows) {
                if (row.phase() == MigrationPhase.EXPANDING || row.phase() == MigrationPhase.EXPANDED
                        || row.phase() == MigrationPhase.ROLLING_BACK) {
                    engine.rollback(row);
                }
            }
        });
    }

    /**
     * Returns every migration in the phase table, in the order first expanded.
     *
     * @return the migrations, empty if none ran
     */
    public List<MigrationStatus> status() {
        List<MigrationStatus> status = new ArrayList<>();
        withEngine(engine -> engine.rows().forEach(row -> status.add(row.status())));
        return status;
    }

    /**
     * Describes Liquibase's change log lock if it is held: by whom, since when, and whether the update
     * that holds it is gone (its process was killed during an expand), with what to do about it. Liquibase
     * itself waits for a held lock and then fails; {@link #expand()}, {@link #contract()} and
     * {@link #rollback()} release a lock whose update is gone before they start.
     *
     * @return the lock in words, empty if it is free
     */
    public Optional<String> changelogLock() {
        List<String> held = new ArrayList<>();
        withConnection(connection -> ChangelogLock.held(connection).ifPresent(lock -> held.add(lock.describe())));
        return held.stream().findFirst();
    }

    /**
     * Releases Liquibase's change log lock whoever holds it, as {@code liquibase release-locks} does: for a
     * lock left by an update that died where {@link #changelogLock()} cannot tell (plain Liquibase). Only
     * when no update runs.
     *
     * @return whether it was held
     */
    public boolean releaseChangelogLock() {
        boolean[] released = new boolean[1];
        withConnection(connection -> released[0] = ChangelogLock.release(connection, null));
        return released[0];
    }

    /**
     * Releases Liquibase's change log lock if the update holding it is gone (its process was killed
     * during an expand step), so that nothing runs under it any more; a lock held by a live update, or
     * by one this library cannot tell about, stays. {@link #expand()}, {@link #contract()} and
     * {@link #rollback()} call it before they start; call it before an update that Liquibase runs
     * itself (the Spring starter does, before Spring's Liquibase runs).
     *
     * @return whether a lock was released
     */
    public boolean releaseOrphanedChangelogLock() {
        boolean[] released = new boolean[1];
        withConnection(connection -> {
            Optional<ChangelogLock.Held> held = ChangelogLock.held(connection);
            if (held.isPresent() && held.get().orphaned() && ChangelogLock.release(connection, held.get().since())) {
                LOG.warn("released {}", held.get().describe());
                released[0] = true;
            }
        });
        return released[0];
    }

    /**
     * Lints the change sets not yet run, whatever the lint mode.
     *
     * @return the findings, empty if none
     */
    public List<LintFinding> lint() {
        List<LintFinding> findings = new ArrayList<>();
        withLiquibase((liquibase, database) -> findings.addAll(ChangelogLint.lint(
                liquibase.listUnrunChangeSets(new Contexts(contexts), new LabelExpression()),
                database instanceof PostgresDatabase)));
        return findings;
    }

    private void refuseIfTooEarly(List<PhaseTable.Row> due) {
        Instant now = Instant.ofEpochMilli(clock.wallTime());
        Instant lastExpand = due.stream().map(PhaseTable.Row::expandedAt).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(now);
        Duration left = bakeTime.minus(Duration.between(lastExpand, now));
        if (left.isNegative()) {
            left = Duration.ZERO;
        }
        List<ServiceInstance> blocking = blockingInstances(due, now);
        if (left.isZero() && blocking.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("contract refused:");
        if (!blocking.isEmpty()) {
            message.append(' ').append(blocking.size()).append(" live instance(s) of ").append(serviceName)
                    .append(" older than the expand still run: ")
                    .append(blocking.stream().map(i -> i.instanceId() + " (version " + i.version() + ", heartbeat "
                            + Duration.between(i.heartbeatTime(), now).toSeconds() + " s ago)")
                            .collect(Collectors.joining(", ")))
                    .append(". Stop them, or wait until their heartbeat is older than ").append(instanceTimeout.toSeconds())
                    .append(" s;");
        }
        if (!left.isZero()) {
            message.append(" the bake time of ").append(bakeTime).append(" since the last expand (").append(lastExpand)
                    .append(") has ").append(left).append(" left;");
        }
        message.append(" nothing was changed. Run contract again later.");
        throw new ContractRefusedException(message.toString(), blocking, left);
    }

    /** Live instances whose version is older than the version that expanded one of the migrations. */
    private List<ServiceInstance> blockingInstances(List<PhaseTable.Row> due, Instant now) {
        if (ledger == null) {
            return List.of();
        }
        List<String> order = ledger.versions(serviceName).stream().map(MicroserviceVersion::version).toList();
        List<ServiceInstance> blocking = new ArrayList<>();
        for (ServiceInstance instance : ledger.runningInstances(serviceName)) {
            if (!instance.isAlive(now, instanceTimeout)) {
                continue;
            }
            for (PhaseTable.Row row : due) {
                if (olderThanExpand(instance, row, order)) {
                    blocking.add(instance);
                    break;
                }
            }
        }
        return blocking;
    }

    private static boolean olderThanExpand(ServiceInstance instance, PhaseTable.Row row, List<String> order) {
        String expandedBy = row.serviceVersion();
        if (expandedBy != null && expandedBy.equals(instance.version())) {
            return false;
        }
        int expandRank = expandedBy == null ? -1 : order.indexOf(expandedBy);
        int instanceRank = order.indexOf(instance.version());
        if (expandRank >= 0 && instanceRank >= 0) {
            return instanceRank < expandRank;
        }
        // versions the ledger cannot order: an instance that started before the expand may run old code
        return row.expandedAt() == null || instance.startTime().isBefore(row.expandedAt());
    }

    private String expandingVersion() {
        if (serviceVersion != null || ledger == null) {
            return serviceVersion;
        }
        List<MicroserviceVersion> versions = ledger.versions(serviceName);
        return versions.isEmpty() ? null : versions.get(versions.size() - 1).version();
    }

    private Settings settings(String version) {
        return new Settings(backfillBatchSize, backfillPause, lockTimeout, lockRetries, version, meters, clock);
    }

    @FunctionalInterface
    private interface WithLiquibase {
        void run(Liquibase liquibase, Database database) throws Exception;
    }

    @FunctionalInterface
    private interface WithEngine {
        void run(Engine engine);
    }

    private void withLiquibase(WithLiquibase body) {
        try (Connection connection = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try {
                body.run(new Liquibase(changelog, resources, database), database);
            } catch (Exception e) {
                if (!connection.isValid(LOCK_CHECK_SECONDS)) {
                    releaseOrphanedLock(e);
                }
                throw e;
            }
        } catch (Exception e) {
            throw migrationException(e);
        }
    }

    /**
     * Releases Liquibase's change log lock after the connection that held it died (killed, or the
     * database restarted): Liquibase could not release it on that connection, and every later update
     * would wait for it. Only the update that held the lock gets here.
     */
    private void releaseOrphanedLock(Exception failure) {
        try (Connection connection = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            LockServiceFactory.getInstance().getLockService(database).forceReleaseLock();
            LOG.warn("the connection of the Liquibase update of {} was lost; its change log lock was released", changelog);
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    private void withEngine(WithEngine body) {
        withConnection(connection -> body.run(new Engine(connection, settings(serviceVersion))));
    }

    @FunctionalInterface
    private interface WithConnection {
        void run(Connection connection) throws SQLException;
    }

    private void withConnection(WithConnection body) {
        try (Connection connection = dataSource.getConnection()) {
            body.run(connection);
        } catch (SQLException e) {
            throw new MigrationException(null, "the database cannot be reached: " + e.getMessage(), e);
        }
    }

    /** The error a step raised inside Liquibase, or the Liquibase error with the change log named. */
    private MigrationException migrationException(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MigrationException migration) {
                return migration;
            }
            if (cause instanceof LockException) {
                return new MigrationException(null, "Liquibase update of " + changelog + " failed: " + e.getMessage()
                        + ". If no other update runs (its process died), release the lock with the command release-locks"
                        + " (or liquibase release-locks), then run expand again.", e);
            }
        }
        return new MigrationException(null, "Liquibase update of " + changelog + " failed: " + e.getMessage(), e);
    }

    /**
     * Builds an {@link ExpandContract}. Each setter checks its argument at once and names a bad value.
     */
    public static final class Builder {

        private final DataSource dataSource;
        private final String changelog;
        private ResourceAccessor resources = new ClassLoaderResourceAccessor();
        private String contexts = "";
        private RollbackLedger ledger;
        private String serviceName;
        private String serviceVersion;
        private Duration bakeTime = DEFAULT_BAKE_TIME;
        private Duration instanceTimeout = DEFAULT_INSTANCE_TIMEOUT;
        private int backfillBatchSize = DEFAULT_BACKFILL_BATCH_SIZE;
        private Duration backfillPause = DEFAULT_BACKFILL_PAUSE;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private int lockRetries = DEFAULT_LOCK_RETRIES;
        private LintMode lint = DEFAULT_LINT;
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private Clock clock = Clock.SYSTEM;

        private Builder(DataSource dataSource, String changelog) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.changelog = Arguments.requireText("changelog", changelog);
        }

        /**
         * Sets the ledger whose live instances block a contract. Default: none (only the bake time is checked).
         *
         * @param ledger the ledger
         * @return this builder
         */
        public Builder ledger(RollbackLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            return this;
        }

        /**
         * Sets the service whose instances block a contract; required with a ledger.
         *
         * @param serviceName the service, as its instances register in the ledger
         * @return this builder
         */
        public Builder serviceName(String serviceName) {
            this.serviceName = Arguments.requireText("serviceName", serviceName);
            return this;
        }

        /**
         * Sets the version that runs the expand, recorded with each migration: live instances of
         * older versions block its contract. Default: the newest version of the service in the
         * ledger at expand time, or none without a ledger (then any live instance started before
         * the expand blocks it).
         *
         * @param serviceVersion the version
         * @return this builder
         */
        public Builder serviceVersion(String serviceVersion) {
            this.serviceVersion = Arguments.requireText("serviceVersion", serviceVersion);
            return this;
        }

        /**
         * Sets how long after the last expand contract is refused. Default {@link #DEFAULT_BAKE_TIME}.
         *
         * @param bakeTime the bake time, zero or positive
         * @return this builder
         */
        public Builder bakeTime(Duration bakeTime) {
            if (bakeTime == null || bakeTime.isNegative()) {
                throw new IllegalArgumentException("bakeTime must be zero or positive, was " + bakeTime);
            }
            this.bakeTime = bakeTime;
            return this;
        }

        /**
         * Sets how old a heartbeat may be for its instance to count as alive. Default
         * {@link #DEFAULT_INSTANCE_TIMEOUT}; keep it well above the registries' heartbeat interval (10 s).
         *
         * @param instanceTimeout the timeout, positive
         * @return this builder
         */
        public Builder instanceTimeout(Duration instanceTimeout) {
            this.instanceTimeout = Arguments.requirePositive("instanceTimeout", instanceTimeout);
            return this;
        }

        /**
         * Sets the rows per backfill statement. Default {@link #DEFAULT_BACKFILL_BATCH_SIZE}.
         *
         * @param backfillBatchSize the batch size, positive
         * @return this builder
         */
        public Builder backfillBatchSize(int backfillBatchSize) {
            if (backfillBatchSize < 1) {
                throw new IllegalArgumentException("backfillBatchSize must be positive, was " + backfillBatchSize);
            }
            this.backfillBatchSize = backfillBatchSize;
            return this;
        }

        /**
         * Sets the pause between backfill batches. Default {@link #DEFAULT_BACKFILL_PAUSE}.
         *
         * @param backfillPause the pause, zero or positive
         * @return this builder
         */
        public Builder backfillPause(Duration backfillPause) {
            if (backfillPause == null || backfillPause.isNegative()) {
                throw new IllegalArgumentException("backfillPause must be zero or positive, was " + backfillPause);
            }
            this.backfillPause = backfillPause;
            return this;
        }

        /**
         * Sets how long one statement waits for a lock before it is tried again. Default
         * {@link #DEFAULT_LOCK_TIMEOUT}.
         *
         * @param lockTimeout the timeout, positive
         * @return this builder
         */
        public Builder lockTimeout(Duration lockTimeout) {
            this.lockTimeout = Arguments.requirePositive("lockTimeout", lockTimeout);
            return this;
        }

        /**
         * Sets how often a statement is tried again after a lock timeout. Default {@link #DEFAULT_LOCK_RETRIES}.
         *
         * @param lockRetries the retries, zero or more
         * @return this builder
         */
        public Builder lockRetries(int lockRetries) {
            if (lockRetries < 0) {
                throw new IllegalArgumentException("lockRetries must be zero or more, was " + lockRetries);
            }
            this.lockRetries = lockRetries;
            return this;
        }

        /**
         * Sets what the lint does before expand. Default {@link #DEFAULT_LINT}.
         *
         * @param lint the mode
         * @return this builder
         */
        public Builder lint(LintMode lint) {
            this.lint = Objects.requireNonNull(lint, "lint");
            return this;
        }

        /**
         * Sets where the backfill meters go (see {@link MigrationMetricNames}). Default: a private registry.
         *
         * @param meterRegistry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Sets the clock for the bake time and the phase table's times. Default {@link Clock#SYSTEM}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the Liquibase contexts of the update. Default: none (every change set runs).
         *
         * @param contexts the contexts expression, e.g. {@code "prod"}
         * @return this builder
         */
        public Builder contexts(String contexts) {
            this.contexts = Objects.requireNonNull(contexts, "contexts");
            return this;
        }

        /**
         * Sets where the change log is found. Default: the class path.
         *
         * @param resources the resource accessor
         * @return this builder
         */
        public Builder resourceAccessor(ResourceAccessor resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * Builds the {@link ExpandContract}.
         *
         * @return it
         * @throws IllegalStateException if a ledger is set without a service name
         */
        public ExpandContract build() {
            if (ledger != null && serviceName == null) {
                throw new IllegalStateException("a ledger is set but no serviceName: set serviceName(...) to the service"
                        + " whose instances block a contract");
            }
            return new ExpandContract(this);
        }
    }
}
