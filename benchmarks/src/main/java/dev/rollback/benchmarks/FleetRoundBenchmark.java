package dev.rollback.benchmarks;

import dev.rollback.core.fleet.FleetBlock;
import dev.rollback.core.fleet.FleetConfig;
import dev.rollback.core.fleet.FleetScope;
import dev.rollback.core.fleet.PooledBlocks;
import dev.rollback.core.internal.RunningPool;
import dev.rollback.core.ledger.JdbcFleetStore;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import io.micrometer.core.instrument.MockClock;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the fleet judge's read of the pool costs in one round, on PostgreSQL, with 1,000 and with
 * 100,000 blocks of the feature already in the table (a rollout of 20 instances about 50 seconds and
 * about 83 minutes old): the full re-sum every round ({@code JdbcFleetStore.pooled}, one
 * {@code SUM ... GROUP BY instance_id} over every block since the verdict) side by side with the
 * running totals ({@link RunningPool}, reading about the last {@code staleAfter} of blocks). Each
 * round, 20 instances publish a block each and one virtual second passes; both reads then run, in
 * alternating order, and are timed on the wall clock. Reports the median and 90th percentile of each
 * and their ratio, and checks that both return the same instances and counts. Both reuse one
 * connection, as with an application's pool. The rest of a round
 * (publishing, the heartbeat, the live instances and the latest verdict) is the same on both sides and
 * is not measured. Not JMH: each read is a database round trip, measured as a whole. Works in its own
 * schema, dropped at the end.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.rollback.benchmarks.FleetRoundBenchmark \
 *     jdbc:postgresql://127.0.0.1:5432/appdb [user] [password] [rounds]
 * </pre>
 */
public final class FleetRoundBenchmark {

    private static final String SCHEMA = "rb_bench_fleet";
    private static final FleetScope SCOPE = new FleetScope("checkout", "2.0.0");
    private static final String FEATURE = "checkout-v2";
    private static final int INSTANCES = 20;
    private static final int WARM_UP_ROUNDS = 40;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private FleetRoundBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args JDBC URL, user, password, measured rounds per size
     * @throws SQLException if the database fails
     */
    public static void main(String[] args) throws SQLException {
        String url = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/appdb";
        String user = args.length > 1 ? args[1] : "app";
        String password = args.length > 2 ? args[2] : "app";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%-16s %-22s %10s %10s%n", "blocks in table", "read", "median ms", "p90 ms");
        double[] ratios = new double[2];
        int[] sizes = {1_000, 100_000};
        for (int i = 0; i < sizes.length; i++) {
            ratios[i] = run(url, user, password, sizes[i], rounds, out);
        }
        out.printf(Locale.ROOT, "full re-sum / running totals, median: %.1fx at 1,000 blocks, %.1fx at 100,000%n",
                ratios[0], ratios[1]);
    }

    /** Measures both reads on a table of {@code blocks} blocks; returns the ratio of their medians. */
    private static double run(String url, String user, String password, int blocks, int rounds, PrintStream out)
            throws SQLException {
        PGSimpleDataSource admin = dataSource(url, user, password);
        execute(admin, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE", "CREATE SCHEMA " + SCHEMA);
        PGSimpleDataSource schema = dataSource(url, user, password);
        schema.setCurrentSchema(SCHEMA);
        try (Connection connection = schema.getConnection()) {
            DataSource database = reusing(connection);
            new JdbcRollbackLedger(database).createSchema();
            JdbcFleetStore store = new JdbcFleetStore(database);
            SplittableRandom random = new SplittableRandom(16);
            int seconds = blocks / INSTANCES;
            List<FleetBlock> batch = new ArrayList<>();
            for (int second = 0; second < seconds; second++) {
                batch.addAll(second(random, second));
                if (batch.size() >= 2_000 || second == seconds - 1) {
                    store.publish(SCOPE, "i-0", T0.plusSeconds(second), batch);
                    batch.clear();
                }
            }
            execute(database, "ANALYZE fleet_block");
            MockClock clock = new MockClock();
            RunningPool pool = new RunningPool(FleetConfig.DEFAULT_STALE_AFTER);
            pool.refresh(store, SCOPE, FEATURE, 0, clock); // the one full read of an instance that starts
            long[] full = new long[rounds];
            long[] running = new long[rounds];
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                int second = seconds + WARM_UP_ROUNDS + round;
                store.publish(SCOPE, "i-0", T0.plusSeconds(second), second(random, second));
                clock.add(Duration.ofSeconds(1));
                Timed resummed;
                Timed totals;
                if ((round & 1) == 0) {
                    resummed = Timed.of(() -> store.pooled(SCOPE, FEATURE, 0));
                    totals = Timed.of(() -> pool.refresh(store, SCOPE, FEATURE, 0, clock));
                } else {
                    totals = Timed.of(() -> pool.refresh(store, SCOPE, FEATURE, 0, clock));
                    resummed = Timed.of(() -> store.pooled(SCOPE, FEATURE, 0));
                }
                check(totals.pooled(), resummed.pooled());
                if (round >= 0) {
                    full[round] = resummed.nanos();
                    running[round] = totals.nanos();
                }
            }
            String size = String.format(Locale.ROOT, "%,d", blocks);
            out.printf(Locale.ROOT, "%-16s %-22s %10.2f %10.2f%n", size, "full re-sum (before)",
                    percentile(full, 0.5), percentile(full, 0.9));
            out.printf(Locale.ROOT, "%-16s %-22s %10.2f %10.2f%n", size, "running totals (now)",
                    percentile(running, 0.5), percentile(running, 0.9));
            return percentile(full, 0.5) / percentile(running, 0.5);
        } finally {
            execute(admin, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /** A read and how long it took on the wall clock. */
    private record Timed(PooledBlocks pooled, long nanos) {
        static Timed of(Supplier<PooledBlocks> read) {
            long start = System.nanoTime();
            PooledBlocks pooled = read.get();
            return new Timed(pooled, System.nanoTime() - start);
        }
    }

    /** One block of random pairs per instance, for second {@code second}. */
    private static List<FleetBlock> second(SplittableRandom random, int second) {
        List<FleetBlock> blocks = new ArrayList<>(INSTANCES);
        for (int i = 0; i < INSTANCES; i++) {
            long pairs = 5 + random.nextInt(10);
            long newOnly = random.nextInt(2);
            long oldOnly = random.nextInt(2);
            double sum = random.nextDouble() - 0.5;
            blocks.add(new FleetBlock(FEATURE, "i-" + i, T0.plusSeconds(second), T0.plusSeconds(second + 1L), pairs,
                    newOnly, oldOnly, pairs - newOnly - oldOnly, sum, sum * sum, 3.0 * (pairs - newOnly - oldOnly)));
        }
        return blocks;
    }

    /** Fails unless both reads pooled the same instances and counts. */
    private static void check(PooledBlocks running, PooledBlocks full) {
        if (!running.instanceIds().equals(full.instanceIds()) || running.lastBlockId() != full.lastBlockId()
                || running.total().orElseThrow().pairs() != full.total().orElseThrow().pairs()
                || running.total().orElseThrow().newOnlyFailures() != full.total().orElseThrow().newOnlyFailures()
                || running.total().orElseThrow().oldOnlyFailures() != full.total().orElseThrow().oldOnlyFailures()) {
            throw new IllegalStateException("running totals " + running + " differ from the full re-sum " + full);
        }
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static PGSimpleDataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl(url);
        database.setUser(user);
        database.setPassword(password);
        return database;
    }

    /**
     * Returns a data source that hands out one connection again and again, as an application's pool
     * does, so that neither read pays for opening a connection.
     */
    private static DataSource reusing(Connection connection) {
        ClassLoader loader = FleetRoundBenchmark.class.getClassLoader();
        Connection kept = (Connection) Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class},
                (proxy, method, args) -> "close".equals(method.getName()) ? null : invoke(method, connection, args));
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (!"getConnection".equals(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return kept;
        });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void execute(DataSource database, String... statements) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
