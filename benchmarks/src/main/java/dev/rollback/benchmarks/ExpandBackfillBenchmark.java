package dev.rollback.benchmarks;

import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.MigrationMetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Expand + backfill of a 1,000,000-row table on PostgreSQL while an OLD-app workload writes at a
 * steady rate: {@code rename} ({@code expandRenameColumn}: on PostgreSQL an alias in the new version's
 * schema, so nothing is backfilled; it measures what a rename's expand costs on a large table and
 * what the OLD app waits for meanwhile), {@code retype} ({@code expandChangeColumnType} INTEGER to
 * NUMERIC: a new column converted both ways by a trigger that tells the versions apart, the version
 * schemas of views) or {@code retype-composite} (the same on a table whose primary key has two columns).
 * Reports the backfill's rows/s, the OLD app's longest statement (which includes any lock wait) and its
 * errors; for the two retype cases also the rollback that archives the new column and the expand after
 * it that restores it (both batched by key), each with the OLD app's statements meanwhile.
 * The rows/s divide the rows backfilled by the whole expand's time (DDL, trigger, count and backfill).
 * Not JMH: one long operation measured once, not a hot loop. Works in its own schema, dropped at the end.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.rollback.benchmarks.ExpandBackfillBenchmark \
 *     jdbc:postgresql://127.0.0.1:5432/appdb [user] [password] [rows] [old-app writes per second] \
 *     [rename|retype|retype-composite]
 * </pre>
 */
public final class ExpandBackfillBenchmark {

    private static final String SCHEMA = "rb_bench_expand";
    private static final int OLD_APP_THREADS = 4;

    private ExpandBackfillBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args JDBC URL, user, password, rows, OLD-app writes per second, case
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/appdb";
        String user = args.length > 1 ? args[1] : "app";
        String password = args.length > 2 ? args[2] : "app";
        int rows = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        int writesPerSecond = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        Case benchmark = Case.valueOf((args.length > 5 ? args[5] : "rename").toUpperCase(Locale.ROOT).replace('-', '_'));
        run(url, user, password, rows, writesPerSecond, benchmark, System.out);
    }

    /** What is expanded, on which table. */
    enum Case {
        /** {@code email} renamed to {@code email_address} (an alias: nothing backfilled); primary key {@code id}. */
        RENAME("expand-backfill.yaml", "PRIMARY KEY (id)", "id = ?"),
        /** {@code amount} INTEGER to {@code amount_dec} NUMERIC(12, 2); primary key {@code id}. */
        RETYPE("expand-retype.yaml", "PRIMARY KEY (id)", "id = ?"),
        /** The same on a primary key of two columns, {@code (region, id)}. */
        RETYPE_COMPOSITE("expand-retype.yaml", "PRIMARY KEY (region, id)", "region = 1 AND id = ?");

        final String changelog;
        final String key;
        final String row;

        Case(String changelog, String key, String row) {
            this.changelog = "dev/rollback/benchmarks/" + changelog;
            this.key = key;
            this.row = row;
        }
    }

    static void run(String url, String user, String password, int rows, int writesPerSecond, Case benchmark,
                    PrintStream out) throws Exception {
        PGSimpleDataSource admin = dataSource(url, user, password, null);
        dropAll(admin); // also what a run that was killed left
        execute(admin, "CREATE SCHEMA " + SCHEMA);
        PGSimpleDataSource db = dataSource(url, user, password, SCHEMA);
        try {
            long seedStart = System.nanoTime();
            execute(db, "CREATE TABLE bench_customer (region INTEGER NOT NULL DEFAULT 1, id BIGINT NOT NULL,"
                            + " name VARCHAR(100) NOT NULL, email VARCHAR(200), amount INTEGER, " + benchmark.key + ")",
                    "INSERT INTO bench_customer (id, name, email, amount) SELECT g, 'n' || g, 'e' || g || '@old', g"
                            + " FROM generate_series(1, " + rows + ") g",
                    "VACUUM ANALYZE bench_customer");
            out.printf(Locale.ROOT, "seeded %,d rows in %.1f s%n", rows, (System.nanoTime() - seedStart) / 1e9);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ExpandContract migrations = ExpandContract.builder(db, benchmark.changelog)
                    .meterRegistry(registry).build();
            OldApp oldApp = new OldApp(db, rows, writesPerSecond, benchmark.row);
            oldApp.start();
            Thread.sleep(2_000); // the OLD app at its steady rate before the expand starts
            long start = System.nanoTime();
            migrations.expand();
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(2_000);

            Counter counter = registry.find(MigrationMetricNames.BACKFILL_ROWS).counter();
            double backfilled = counter == null ? 0 : counter.count(); // registered at the first batch
            if (backfilled == 0) {
                out.printf(Locale.ROOT, "%s: expand of a %,d-row table: %.2f s, nothing backfilled%n",
                        benchmark.name().toLowerCase(Locale.ROOT), rows, seconds);
            } else {
                out.printf(Locale.ROOT, "%s: expand (add column, sync trigger, backfill) of %,d rows: %.1f s, %,.0f rows/s%n",
                        benchmark.name().toLowerCase(Locale.ROOT), (long) backfilled, seconds, backfilled / seconds);
            }
            oldApp.report("expand", out);
            if (benchmark != Case.RENAME) {
                // the values only the new version knew: archived by rollback, restored by the next expand
                timed("rollback (archive of the new column)", migrations::rollback, oldApp, out);
                timed("expand again (restore from the archive, backfill of the rest)", migrations::expand, oldApp, out);
            }
            oldApp.stop();
            migrations.rollback();
        } finally {
            dropAll(admin);
        }
    }

    /**
     * Drops the benchmark's schema with the version schemas that expand made, if the rollback did not get
     * to drop them, and the archives the rollback made in the library's schema.
     */
    private static void dropAll(PGSimpleDataSource admin) throws SQLException {
        execute(admin, "DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '"
                + SCHEMA + "\\_%' LOOP EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE'; END LOOP; END $$",
                "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'rollback_archive'"
                        + " AND tablename LIKE '" + SCHEMA + "\\_%' LOOP EXECUTE 'DROP TABLE rollback_archive.' ||"
                        + " quote_ident(t); END LOOP; END $$",
                "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @FunctionalInterface
    private interface Step {
        void run();
    }

    /** Runs a step while the OLD app writes and reports its time and the OLD app's statements meanwhile. */
    private static void timed(String what, Step step, OldApp oldApp, PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        step.run();
        out.printf(Locale.ROOT, "%s: %.1f s%n", what, (System.nanoTime() - start) / 1e9);
        Thread.sleep(1_000);
        oldApp.report(what, out);
    }

    /** The OLD app: inserts a row and updates a random one, at a steady rate, timing every statement. */
    private static final class OldApp {
        private final PGSimpleDataSource db;
        private final int rows;
        private final String row;
        private final long periodNanos;
        private final int writesPerSecond;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong nextId;
        final AtomicLong writes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final LongAccumulator longest = new LongAccumulator(Math::max, 0);
        final List<String> firstError = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<Thread> threads = new ArrayList<>();

        OldApp(PGSimpleDataSource db, int rows, int writesPerSecond, String row) {
            this.db = db;
            this.writesPerSecond = writesPerSecond;
            this.rows = rows;
            this.row = row;
            this.nextId = new AtomicLong(rows);
            this.periodNanos = TimeUnit.SECONDS.toNanos(1) * OLD_APP_THREADS / writesPerSecond;
        }

        void start() {
            for (int t = 0; t < OLD_APP_THREADS; t++) {
                Thread thread = new Thread(this::loop, "old-app-" + t);
                thread.start();
                threads.add(thread);
            }
        }

        /** Prints the statements since the last report (their count, the longest, the errors) and starts anew. */
        void report(String during, PrintStream out) {
            out.printf(Locale.ROOT, "OLD app during %s: %,d statements (%d inserts + %d updates per second), longest"
                    + " statement %d ms, errors %d%n", during, writes.getAndSet(0), writesPerSecond, writesPerSecond,
                    TimeUnit.NANOSECONDS.toMillis(longest.getThenReset()), errors.getAndSet(0));
            firstError.forEach(e -> out.println("  error: " + e));
            firstError.clear();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private void loop() {
            try (Connection connection = db.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO bench_customer (id, name, email, amount) VALUES (?, ?, ?, ?)");
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE bench_customer SET email = ?, amount = amount + 1 WHERE " + row)) {
                long next = System.nanoTime();
                while (!stop.get()) {
                    long id = nextId.incrementAndGet();
                    timed(() -> {
                        insert.setLong(1, id);
                        insert.setString(2, "n" + id);
                        insert.setString(3, "e" + id + "@old");
                        insert.setInt(4, 1);
                        insert.executeUpdate();
                    });
                    long other = ThreadLocalRandom.current().nextLong(1, rows + 1);
                    timed(() -> {
                        update.setString(1, "u" + other + "@old");
                        update.setLong(2, other);
                        update.executeUpdate();
                    });
                    writes.addAndGet(2);
                    next += periodNanos;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                }
            } catch (SQLException | InterruptedException e) {
                errors.incrementAndGet();
                firstError.add(e.toString());
            }
        }

        private void timed(SqlAction action) {
            long start = System.nanoTime();
            try {
                action.run();
            } catch (SQLException e) {
                errors.incrementAndGet();
                if (firstError.size() < 5) {
                    firstError.add(e.getMessage());
                }
            }
            longest.accumulate(System.nanoTime() - start);
        }
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    private static PGSimpleDataSource dataSource(String url, String user, String password, String schema) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        if (schema != null) {
            dataSource.setCurrentSchema(schema);
        }
        return dataSource;
    }

    private static void execute(PGSimpleDataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

}
