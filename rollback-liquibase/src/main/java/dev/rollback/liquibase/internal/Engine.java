package dev.rollback.liquibase.internal;

import dev.rollback.liquibase.MigrationException;
import dev.rollback.liquibase.MigrationPhase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of migrations on one connection and moves them through their phases. The
 * connection is switched to auto-commit for the steps (after committing what was pending) and
 * given back as it came.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /**
     * Why a migration whose contract was interrupted cannot be rolled back, and what to do instead:
     * contract drops the previous version's schema before it changes a table.
     */
    private static final String CONTRACT_INTERRUPTED = "its contract was interrupted, and contract drops the previous"
            + " version's schema before it changes a table, so the previous version cannot run on this database any"
            + " more and rollback is refused; run contract again to finish it (nothing was changed).";

    /** What to do after a contract step failed. */
    private static final String CONTRACT_AGAIN = "Run contract again once that is fixed.";

    private final Connection connection;
    private final Settings settings;
    private final Dialect dialect;

    /**
     * @param connection the connection
     * @param settings   how to run the steps
     * @throws SQLException if the database cannot be identified
     */
    public Engine(Connection connection, Settings settings) throws SQLException {
        this.connection = connection;
        this.settings = settings;
        this.dialect = Dialect.of(connection);
    }

    /**
     * @param id a migration id
     * @return the suffix of its helper objects' names
     */
    public static String helper(String id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Expands one migration, or finishes its interrupted expand; nothing if it is expanded already.
     *
     * @param ref  its change set
     * @param id   its id
     * @param spec what the change set asks for
     */
    public void expand(ChangeSetRef ref, String id, MigrationSpec spec) {
        inAutoCommit(ref, () -> {
            PhaseTable.create(connection);
            Optional<PhaseTable.Row> existing = PhaseTable.find(connection, id);
            String helper = helper(id);
            Work work = new Work(connection, dialect, settings, ref, helper, spec,
                    "Run expand again once that is fixed, or rollback to undo what expand did.");
            PhaseTable.Row row;
            if (existing.isPresent()) {
                row = existing.get();
                switch (row.phase()) {
                    case EXPANDED, CONTRACTED -> {
                        return;
                    }
                    case CONTRACTING -> throw new MigrationException(ref.toString(), "its contract was interrupted;"
                            + " run contract again to finish it before expanding.", null);
                    case ROLLING_BACK -> throw new MigrationException(ref.toString(), "its rollback was interrupted;"
                            + " run rollback again to finish it, then expand.", null);
                    case ROLLED_BACK -> {
                        oneReleaseAtATime(ref);
                        validate(work);
                        work.spec = VersionSchemas.capture(work, ref, spec.kind().capture(work));
                        row = new PhaseTable.Row(id, row.seq(), ref, work.spec, MigrationPhase.EXPANDING,
                                settings.serviceVersion(), null, now(), helper);
                        PhaseTable.update(connection, row);
                    }
                    case EXPANDING -> work.spec = row.spec();
                    default -> throw new IllegalStateException(row.phase().name());
                }
            } else {
                oneReleaseAtATime(ref);
                validate(work);
                work.spec = VersionSchemas.capture(work, ref, spec.kind().capture(work));
                row = new PhaseTable.Row(id, 0, ref, work.spec, MigrationPhase.EXPANDING, settings.serviceVersion(),
                        null, now(), helper);
                PhaseTable.insert(connection, row);
            }
            ChangelogLock.recordStep(connection, id);
            LOG.info("expanding {} ({})", id, work.spec.kind().changeName());
            work.spec.kind().expand(work);
            List<PhaseTable.Row> rows = PhaseTable.all(connection);
            VersionSchemas.afterExpand(work, rows, rows.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow());
            PhaseTable.update(connection, new PhaseTable.Row(id, row.seq(), ref, work.spec, MigrationPhase.EXPANDED,
                    row.serviceVersion(), now(), now(), helper));
        });
    }

    /** Checks a migration against the database before its first expand changes anything. */
    private static void validate(Work work) {
        work.spec = TableRenames.resolve(work);
        Alias.refusePendingReferences(work);
        work.spec.kind().validate(work);
    }

    /**
     * Refuses to start expanding a change set while migrations another version expanded are still in
     * progress (neither contracted nor rolled back), as pgroll starts no migration while one is in
     * progress: rollback and contract act on every migration in progress, so a rollback of the later
     * version would take the earlier one's away while it runs. The change sets one version expands
     * (in one update or after an interruption) go together. Where the expanding version is unknown,
     * nothing tells two versions apart and nothing is refused.
     */
    private void oneReleaseAtATime(ChangeSetRef ref) throws SQLException {
        String version = settings.serviceVersion();
        if (version == null) {
            return;
        }
        List<PhaseTable.Row> others = PhaseTable.all(connection).stream()
                .filter(r -> VersionSchemas.ACTIVE.contains(r.phase()) && r.serviceVersion() != null
                        && !r.serviceVersion().equals(version)).toList();
        if (!others.isEmpty()) {
            PhaseTable.Row other = others.get(0);
            throw new MigrationException(ref.toString(), "version " + version + " cannot start expanding while "
                    + others.size() + " migration(s) that version " + other.serviceVersion() + " expanded are in progress"
                    + " (" + other.ref() + ", " + other.phase() + "). Contract them once version " + other.serviceVersion()
                    + " is confirmed and no older version runs, or roll them back, then expand again; nothing was changed.",
                    null);
        }
    }

    /**
     * Contracts migrations that are expanded (or finishes their interrupted contract), in order:
     * checks each first, marks them all {@code CONTRACTING}, then drops the older versions' schemas,
     * runs what each does before the others' contract (e.g. a renamed table's view goes), contracts
     * each, makes the newest version's schema anew over the final physical shape, and only then marks
     * them all {@code CONTRACTED}. So a contract interrupted anywhere (its process killed)
     * leaves every one of them {@code CONTRACTING}, and the next contract does the whole of it again:
     * each step checks the catalog first, so what an interrupted run finished is skipped, and the
     * newest version's schema is made anew however far the interrupted run got.
     *
     * @param due the migrations, each expanded or contracting, in the order first expanded
     */
    public void contract(List<PhaseTable.Row> due) {
        if (due.isEmpty()) {
            return;
        }
        PhaseTable.Row newest = due.get(due.size() - 1);
        for (PhaseTable.Row row : due) {
            inAutoCommit(row.ref(), () -> row.spec().kind().checkContract(
                    work(row, CONTRACT_AGAIN)));
        }
        inAutoCommit(newest.ref(), () -> {
            ChangelogLock.recordStep(connection, newest.id());
            for (PhaseTable.Row row : due) {
                PhaseTable.update(connection, withPhase(row, MigrationPhase.CONTRACTING));
            }
            VersionSchemas.beforeContract(work(newest, "Run contract again."), PhaseTable.all(connection), newest);
        });
        for (PhaseTable.Row row : due) {
            inAutoCommit(row.ref(), () -> row.spec().kind().beforeContract(work(row, CONTRACT_AGAIN)));
        }
        for (PhaseTable.Row row : due) {
            inAutoCommit(row.ref(), () -> {
                LOG.info("contracting {} ({})", row.id(), row.spec().kind().changeName());
                row.spec().kind().contract(work(row, CONTRACT_AGAIN));
            });
        }
        inAutoCommit(newest.ref(), () -> {
            // the due migrations are physical now: the newest version's shape is the physical one
            List<String> contracted = due.stream().map(PhaseTable.Row::id).toList();
            VersionSchemas.afterContract(work(newest, "Run contract again."), PhaseTable.all(connection).stream()
                    .filter(r -> !contracted.contains(r.id())).toList(), newest);
            for (PhaseTable.Row row : due) {
                PhaseTable.update(connection, withPhase(row, MigrationPhase.CONTRACTED));
            }
        });
    }

    private Work work(PhaseTable.Row row, String nextStep) {
        return new Work(connection, dialect, settings, row.ref(), row.helper(), row.spec(), nextStep);
    }

    /**
     * Refuses the rollback of a migration that is contracted or whose contract was interrupted, before
     * anything changes.
     *
     * @param row the migration
     * @throws MigrationException if it is contracted or contracting
     */
    public static void refuseRollbackOfContract(PhaseTable.Row row) {
        if (row.phase() == MigrationPhase.CONTRACTED || row.phase() == MigrationPhase.CONTRACTING) {
            throw new MigrationException(row.ref().toString(), row.spec().kind().changeName() + " on "
                    + row.spec().table() + " is " + row.phase() + ": " + (row.phase() == MigrationPhase.CONTRACTING
                    ? CONTRACT_INTERRUPTED : "a contracted migration cannot be rolled back."), null);
        }
    }

    /**
     * Rolls back a migration that is expanding, expanded or rolling back, and forgets its change set
     * in {@code DATABASECHANGELOG} so that a later update expands it again.
     *
     * @param row the migration
     */
    public void rollback(PhaseTable.Row row) {
        if (row.phase() == MigrationPhase.ROLLED_BACK) {
            return;
        }
        refuseRollbackOfContract(row);
        inAutoCommit(row.ref(), () -> {
            ChangelogLock.recordStep(connection, row.id());
            PhaseTable.update(connection, withPhase(row, MigrationPhase.ROLLING_BACK));
            Work work = work(row, "Run rollback again once that is fixed.");
            LOG.info("rolling back {} ({})", row.id(), row.spec().kind().changeName());
            VersionSchemas.beforeRollback(work, row);
            row.spec().kind().rollback(work);
            forgetChangeSet(row.ref());
            PhaseTable.update(connection, withPhase(row, MigrationPhase.ROLLED_BACK));
        });
    }

    /**
     * @return every migration in the phase table, in the order first expanded
     */
    public List<PhaseTable.Row> rows() {
        List<PhaseTable.Row> rows = new ArrayList<>();
        inAutoCommit(null, () -> rows.addAll(PhaseTable.all(connection)));
        return rows;
    }

    private void forgetChangeSet(ChangeSetRef ref) throws SQLException {
        if (!dialect.tableExists(connection, "databasechangelog")) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM databasechangelog WHERE id = ? AND author = ? AND filename = ?")) {
            delete.setString(1, ref.id());
            delete.setString(2, ref.author());
            delete.setString(3, ref.path());
            delete.executeUpdate();
        }
    }

    private PhaseTable.Row withPhase(PhaseTable.Row row, MigrationPhase phase) {
        return new PhaseTable.Row(row.id(), row.seq(), row.ref(), row.spec(), phase, row.serviceVersion(),
                row.expandedAt(), now(), row.helper());
    }

    private Instant now() {
        return Instant.ofEpochMilli(settings.clock().wallTime());
    }

    @FunctionalInterface
    private interface Body {
        void run() throws SQLException;
    }

    private void inAutoCommit(ChangeSetRef ref, Body body) {
        try {
            boolean autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                connection.commit();
                connection.setAutoCommit(true);
            }
            try {
                dialect.lockTimeout(connection, settings.lockTimeout());
                body.run();
            } catch (RuntimeException | SQLException e) {
                restore(autoCommit, e);
                throw e;
            }
            restore(autoCommit, null);
        } catch (SQLException e) {
            throw new MigrationException(ref == null ? null : ref.toString(), "the phase table "
                    + PhaseTable.TABLE + " could not be read or written: " + e.getMessage() + ". Run status to see where"
                    + " the migrations stand, then expand or rollback again.", e);
        }
    }

    /**
     * Gives the connection back as it came; after a failure (e.g. the connection was killed) a reset
     * that fails too is kept with the failure instead of hiding it.
     */
    private void restore(boolean autoCommit, Exception failure) throws SQLException {
        try {
            dialect.lockTimeout(connection, null);
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }
}
