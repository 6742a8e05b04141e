package dev.rollback.liquibase.internal;

import dev.rollback.liquibase.MigrationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step (expand, contract or rollback) of one migration at work: runs its statements under the
 * lock timeout with retries, backfills in batches, and turns failures into errors that name the
 * change set and the next step.
 */
final class Work {

    private static final Logger LOG = LoggerFactory.getLogger(Work.class);
    /** How often the backfill logs its progress at most. */
    private static final long LOG_EVERY_MS = 5_000;

    /** The library's own schema for archives on PostgreSQL, never the application's. */
    static final String ARCHIVE_SCHEMA = "rollback_archive";

    final Connection connection;
    final Dialect dialect;
    final Settings settings;
    final ChangeSetRef ref;
    final String helper;
    MigrationSpec spec;
    /** What to do after a failure, e.g. "run expand() again once the lock is free, or rollback()". */
    final String nextStep;

    Work(Connection connection, Dialect dialect, Settings settings, ChangeSetRef ref, String helper, MigrationSpec spec,
         String nextStep) {
        this.connection = connection;
        this.dialect = dialect;
        this.settings = settings;
        this.ref = ref;
        this.helper = helper;
        this.spec = spec;
        this.nextStep = nextStep;
    }

    /** @return the table the steps act on: the physical one, under its old name while its rename is pending */
    String table() {
        return TableRenames.physical(this);
    }

    String get(String property) {
        return spec.get(property);
    }

    String require(String property) {
        return spec.require(property);
    }

    String name(String prefix) {
        return prefix + "_" + helper;
    }

    /**
     * The archive of this migration's values (or table) that only the new version knew: on
     * PostgreSQL in the library's own schema {@value #ARCHIVE_SCHEMA}, named after the physical schema
     * and the migration; on H2 {@code rollback_archive_<helper>} in the table's schema.
     */
    String archiveTable() {
        return dialect.isPostgres() ? ARCHIVE_SCHEMA + "." + archiveName() : "rollback_archive_" + helper;
    }

    /** The archive's name within its schema: the physical schema's (cut to fit 63 characters) and the helper suffix. */
    private String archiveName() {
        String schema = catalog(connection::getSchema).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return schema.substring(0, Math.min(schema.length(), 63 - helper.length() - 1)) + "_" + helper;
    }

    boolean hasArchive() {
        if (!dialect.isPostgres()) {
            return hasTable(archiveTable());
        }
        return catalog(() -> Dialect.exists(connection, "SELECT 1 FROM information_schema.tables WHERE table_schema = ?"
                + " AND table_name = ?", ARCHIVE_SCHEMA, archiveName()));
    }

    /** Creates the library's archive schema where it is missing (PostgreSQL). */
    void createArchiveSchema() {
        if (dialect.isPostgres()) {
            sql("create the archive schema " + ARCHIVE_SCHEMA, "CREATE SCHEMA IF NOT EXISTS " + ARCHIVE_SCHEMA);
        }
    }

    /** The statements that move a table the new version created into its archive. */
    List<String> moveToArchive(String table) {
        if (!dialect.isPostgres()) {
            return List.of("ALTER TABLE " + table + " RENAME TO " + archiveTable());
        }
        return List.of("ALTER TABLE " + table + " RENAME TO " + archiveName(),
                "ALTER TABLE " + archiveName() + " SET SCHEMA " + ARCHIVE_SCHEMA);
    }

    /** The statements that move an archived table back into the physical schema under its name. */
    List<String> moveFromArchive(String table) {
        if (!dialect.isPostgres()) {
            return List.of("ALTER TABLE " + archiveTable() + " RENAME TO " + table);
        }
        String schema = catalog(connection::getSchema);
        return List.of("ALTER TABLE " + archiveTable() + " SET SCHEMA \"" + schema.replace("\"", "\"\"") + "\"",
                "ALTER TABLE " + archiveName() + " RENAME TO " + table);
    }

    MigrationException error(String message, Throwable cause) {
        return new MigrationException(ref.toString(), spec.kind().changeName() + " on " + table() + ": " + message
                + (nextStep == null ? "" : " " + nextStep), cause);
    }

    /** Runs statements one by one, each in auto-commit under the lock timeout, retried on lock timeouts. */
    void sql(String what, String... statements) {
        sql(what, List.of(statements));
    }

    void sql(String what, List<String> statements) {
        for (String sql : statements) {
            retrying(what, () -> {
                dialect.beforeDdl(connection);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                } finally {
                    dialect.afterDdl(connection);
                }
                return null;
            });
        }
    }

    /** Runs statements in one transaction where DDL is transactional, else one by one. */
    void atomically(String what, List<String> statements) {
        if (!dialect.transactionalDdl()) {
            sql(what, statements);
            return;
        }
        retrying(what, () -> {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            return null;
        });
    }

    long count(String sql) {
        return retrying("count", () -> {
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    ColumnInfo column(String table, String column) {
        return catalog(() -> dialect.column(connection, table, column));
    }

    boolean hasColumn(String table, String column) {
        return column(table, column) != null;
    }

    boolean hasTable(String table) {
        return catalog(() -> dialect.tableExists(connection, table));
    }

    boolean hasView(String view) {
        return catalog(() -> dialect.viewExists(connection, view));
    }

    boolean hasConstraint(String table, String name) {
        return catalog(() -> dialect.constraintExists(connection, table, name));
    }

    boolean hasIndex(String name) {
        return catalog(() -> dialect.indexExists(connection, name));
    }

    boolean indexInvalid(String name) {
        return catalog(() -> dialect.indexInvalid(connection, name));
    }

    boolean callsVolatileFunction(String expression) {
        return catalog(() -> dialect.callsVolatileFunction(connection, expression));
    }

    boolean hasTrigger(String name) {
        return catalog(() -> dialect.triggerExists(connection, name));
    }

    boolean uniqueOn(String table, String column) {
        return catalog(() -> dialect.uniqueOn(connection, table, column));
    }

    List<String> primaryKey(String table) {
        return catalog(() -> dialect.primaryKey(connection, table));
    }

    /**
     * The columns rows are found by: the primary key, whatever its width; else a unique index on NOT
     * NULL columns (PostgreSQL); else H2's {@code _ROWID_}; empty on a PostgreSQL table with neither,
     * which is backfilled by {@code ctid} ranges.
     */
    List<String> key() {
        List<String> key = primaryKey(table());
        if (key.isEmpty()) {
            key = catalog(() -> dialect.uniqueNotNullKey(connection, table()));
        }
        return key;
    }

    /** The key to archive rows by, which must survive updates: {@code ctid} does not. */
    List<String> archiveKey() {
        List<String> key = key();
        if (key.isEmpty()) {
            throw error("table " + table() + " has no primary key and no unique index on NOT NULL columns, so the values"
                    + " only the new version knows could not be archived at rollback and restored by a new expand. Add"
                    + " one in an earlier change set; nothing was changed.", null);
        }
        return key;
    }

    void syncTrigger(List<Rule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        List<String> statements = dialect.createSyncTrigger(table(), helper, rules,
                dialect.isPostgres() ? VersionSchemas.newWrite(this) : null);
        if (dialect.isPostgres()) {
            // function first (replaceable), the trigger only if missing: never a moment without it
            sql("create the sync trigger function", statements.get(0));
            if (!hasTrigger(Dialect.triggerName(helper))) {
                sql("create the sync trigger", statements.get(2));
            }
        } else {
            sql("create the sync trigger", statements);
        }
    }

    void dropSyncTrigger() {
        sql("drop the sync trigger", dialect.dropSyncTrigger(table(), helper));
    }

    void addCheckUnchecked(String table, String name, String condition) {
        if (!hasConstraint(table, name)) {
            sql("add constraint " + name, dialect.addConstraintUnchecked(table, name, "CHECK (" + condition + ")"));
        }
    }

    void dropConstraint(String table, String name) {
        if (hasConstraint(table, name)) {
            sql("drop constraint " + name, "ALTER TABLE " + table + " DROP CONSTRAINT " + name);
        }
    }

    /** Validates the NOT NULL check, makes the column NOT NULL and drops the check. */
    void setNotNullFromCheck(String table, String column, String check) {
        ColumnInfo info = column(table, column);
        if (info == null || info.notNull()) {
            dropConstraint(table, check);
            return;
        }
        if (dialect.isPostgres() && hasConstraint(table, check)) {
            // a validated CHECK (c IS NOT NULL) lets SET NOT NULL skip its full scan under an exclusive lock
            sql("validate " + check, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check);
        } else {
            long nulls = count("SELECT COUNT(*) FROM " + table + " WHERE " + column + " IS NULL");
            if (nulls > 0) {
                throw error(nulls + " row(s) of " + table + " have " + column + " NULL, so it cannot be made NOT NULL."
                        + " Fill them, then", null);
            }
        }
        sql("make " + column + " NOT NULL", dialect.setNotNull(table, column));
        dropConstraint(table, check);
    }

    /**
     * On H2, a NOT NULL column that a trigger must fill is made nullable and guarded by a check,
     * because H2 checks NOT NULL before BEFORE triggers run. Undone by {@link #unrelax}.
     */
    void relax(String column) {
        if (!dialect.notNullCheckedBeforeTriggers()) {
            return;
        }
        ColumnInfo info = column(table(), column);
        if (info != null && info.notNull()) {
            addCheckUnchecked(table(), name("rb_on"), column + " IS NOT NULL");
            sql("let the trigger fill " + column, dialect.dropNotNull(table(), column));
        }
    }

    void unrelax(String column) {
        if (hasConstraint(table(), name("rb_on"))) {
            setNotNullFromCheck(table(), column, name("rb_on"));
        }
    }

    /**
     * Sets {@code column = expression} on the rows matching {@code condition}, in batches by key
     * (row-value ranges over the key's columns, or {@code ctid} block ranges on a PostgreSQL table
     * without one), each batch its own transaction under the lock timeout, with the sync trigger off.
     */
    void backfill(String column, String expression, String condition) {
        inBatches("backfill " + column, "UPDATE " + table() + " rb_row SET " + column + " = (" + expression + ") WHERE ",
                condition, true);
    }

    /**
     * Runs {@code statement} (which ends in {@code WHERE} and calls the table {@code rb_row}) on the rows
     * matching {@code condition} in batches, as {@link #backfill} does: archives and restores are
     * batched too, so that a large table's rollback or re-expand holds no lock for long.
     *
     * @param metered whether the rows count as backfilled in the meters
     */
    void inBatches(String what, String statement, String condition, boolean metered) {
        inBatches(what, table(), key(), List.of(), statement, condition, metered);
    }

    /**
     * Runs {@code statement} in batches by ranges of {@code key} of the table {@code source} (which may be
     * another than the migration's, e.g. an archive, called {@code rb_row} in {@code condition}), each
     * range also put on {@code alsoKey} if not empty (the same values under other names, e.g. the
     * migration's table's key joined to the archive's, so that the planner reads a range of both).
     */
    void inBatches(String what, String source, List<String> key, List<String> alsoKey, String statement,
                   String condition, boolean metered) {
        String table = table();
        long total = count("SELECT COUNT(*) FROM " + source + " rb_row WHERE " + condition);
        if (total == 0) {
            if (metered) {
                settings.meters().progress(table, 1.0);
            }
            return;
        }
        Batches batches = key.isEmpty() && dialect.isPostgres() ? new BlockBatches(statement, condition)
                : new KeyBatches(source, key, alsoKey, statement, condition);
        long start = settings.clock().monotonicTime();
        long lastLog = settings.clock().wallTime();
        long done = 0;
        while (true) {
            Long rows = retrying(what, () -> inBackfill(batches::next));
            if (rows == null) {
                break;
            }
            done += rows;
            if (metered) {
                settings.meters().rows(table, rows);
                settings.meters().progress(table, Math.min(1.0, (double) done / total));
            }
            long now = settings.clock().wallTime();
            if (now - lastLog >= LOG_EVERY_MS) {
                LOG.info("{} of {} ({}): {} of about {} rows", what, table, ref, done, total);
                lastLog = now;
            }
            pause(settings.backfillPause());
        }
        if (metered) {
            settings.meters().progress(table, 1.0);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(settings.clock().monotonicTime() - start);
        LOG.info("{} of {} ({}) done: {} rows in {} ms", what, table, ref, done, ms);
    }

    /** One batch of a backfill after another; a batch that fails is rolled back and tried again. */
    private interface Batches {
        /** Updates the next batch and returns the rows updated, or null when none is left. */
        Long next() throws SQLException;
    }

    /** Batches by key: {@code (k1, k2) > (last)} up to the key {@code batchSize} rows on. */
    private final class KeyBatches implements Batches {
        private final String source;
        private final List<String> key;
        private final List<String> ranged;
        private final String update;
        private final String condition;
        private Object[] low;

        KeyBatches(String source, List<String> key, List<String> alsoKey, String update, String condition) {
            this.source = source;
            this.key = key;
            this.ranged = alsoKey.isEmpty() ? List.of(columns(key)) : List.of(columns(key), columns(alsoKey));
            this.update = update;
            this.condition = condition;
        }

        private static String columns(List<String> key) {
            return "(" + String.join(", ", key) + ")";
        }

        @Override
        public Long next() throws SQLException {
            String after = low == null ? "" : " WHERE " + columns(key) + " > " + placeholders();
            List<String> aliases = new ArrayList<>();
            List<String> selected = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) {
                aliases.add("rb_k_" + i);
                selected.add(key.get(i) + " AS rb_k_" + i);
            }
            Object[] high;
            try (PreparedStatement query = connection.prepareStatement("SELECT " + String.join(", ", aliases) + " FROM (SELECT "
                    + String.join(", ", selected) + " FROM " + source + after + " ORDER BY " + String.join(", ", key)
                    + " LIMIT " + settings.backfillBatchSize() + ") rb_batch ORDER BY " + String.join(" DESC, ", aliases)
                    + " DESC LIMIT 1")) {
                set(query, 1, low);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    high = new Object[key.size()];
                    for (int i = 0; i < high.length; i++) {
                        high[i] = row.getObject(i + 1);
                    }
                }
            }
            StringBuilder range = new StringBuilder();
            for (String columns : ranged) {
                range.append(low == null ? "" : columns + " > " + placeholders() + " AND ")
                        .append(columns).append(" <= ").append(placeholders()).append(" AND ");
            }
            long rows;
            try (PreparedStatement statement = connection.prepareStatement(update + range + "(" + condition + ")")) {
                int next = 1;
                for (int i = 0; i < ranged.size(); i++) {
                    next = set(statement, set(statement, next, low), high);
                }
                rows = statement.executeUpdate();
            }
            low = high;
            return rows;
        }

        private String placeholders() {
            return "(" + String.join(", ", Collections.nCopies(key.size(), "?")) + ")";
        }

        private int set(PreparedStatement statement, int first, Object[] values) throws SQLException {
            if (values == null) {
                return first;
            }
            for (int i = 0; i < values.length; i++) {
                statement.setObject(first + i, values[i]);
            }
            return first + values.length;
        }
    }

    /**
     * Batches of a PostgreSQL table without a key, by ranges of its blocks ({@code ctid}), up to the
     * block where the table ended when the backfill started: rows an update moves beyond it are new
     * versions, already done.
     */
    private final class BlockBatches implements Batches {
        private final String update;
        private final String condition;
        private long block;
        private long end = -1;
        private long blocksPerBatch;

        BlockBatches(String update, String condition) {
            this.update = update;
            this.condition = condition;
        }

        @Override
        public Long next() throws SQLException {
            if (end < 0) {
                try (PreparedStatement query = connection.prepareStatement("SELECT pg_relation_size(?::regclass)"
                        + " / current_setting('block_size')::bigint, GREATEST(reltuples, 1) / GREATEST(relpages, 1)"
                        + " FROM pg_class WHERE oid = ?::regclass")) {
                    query.setString(1, table());
                    query.setString(2, table());
                    try (ResultSet row = query.executeQuery()) {
                        row.next();
                        end = row.getLong(1);
                        blocksPerBatch = Math.max(1, settings.backfillBatchSize() / Math.max(1, row.getLong(2)));
                    }
                }
            }
            if (block >= end) {
                return null;
            }
            long to = Math.min(end, block + blocksPerBatch);
            long rows;
            try (PreparedStatement statement = connection.prepareStatement(update + "ctid >= ('(' || ? || ',0)')::tid"
                    + " AND ctid < ('(' || ? || ',0)')::tid AND (" + condition + ")")) {
                statement.setLong(1, block);
                statement.setLong(2, to);
                rows = statement.executeUpdate();
            }
            block = to;
            return rows;
        }
    }

    /** Runs one batch in its own transaction, marked as backfill so that the sync triggers leave it alone. */
    private Long inBackfill(Action<Long> batch) throws SQLException {
        connection.setAutoCommit(false);
        try {
            dialect.backfilling(connection, true);
            Long rows = batch.run();
            dialect.backfilling(connection, false);
            connection.commit();
            return rows;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
            if (!dialect.isPostgres()) {
                dialect.backfilling(connection, false);
            }
        }
    }

    /** Something to run against the database. */
    @FunctionalInterface
    interface Action<T> {
        T run() throws SQLException;
    }

    <T> T catalog(Action<T> action) {
        try {
            return action.run();
        } catch (SQLException e) {
            throw error("reading the catalog failed: " + e.getMessage() + ".", e);
        }
    }

    <T> T retrying(String what, Action<T> action) {
        for (int attempt = 0; ; attempt++) {
            try {
                return action.run();
            } catch (SQLException e) {
                if (!dialect.isLockTimeout(e)) {
                    throw error(what + " failed: " + e.getMessage() + ".", e);
                }
                if (attempt >= settings.lockRetries()) {
                    throw error("could not " + what + ": no lock on " + table() + " within "
                            + settings.lockTimeout().toMillis() + " ms, " + (attempt + 1) + " times. A long transaction"
                            + " holds a lock on it (PostgreSQL: see pg_locks and pg_stat_activity); nothing is half-done.", e);
                }
                settings.meters().lockRetry(table());
                LOG.warn("{} ({}): no lock on {} within {} ms, trying again ({} of {})", what, ref, table(),
                        settings.lockTimeout().toMillis(), attempt + 1, settings.lockRetries());
                pause(settings.lockTimeout().multipliedBy(Math.min(attempt + 1, 4)).dividedBy(4));
            }
        }
    }

    private void pause(Duration pause) {
        if (pause.isZero()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw error("interrupted.", e);
        }
    }
}
