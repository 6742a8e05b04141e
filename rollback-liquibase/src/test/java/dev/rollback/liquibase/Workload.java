package dev.rollback.liquibase;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * An application's writes in plain JDBC from concurrent threads, each on its own connection, while
 * something else runs (an expand, a rollback), and for a bounded number of operations after it.
 */
final class Workload {

    /** One application operation on the row with a given id: insert it, update it, read it back. */
    @FunctionalInterface
    interface Op {
        void run(Connection connection, long id) throws SQLException;
    }

    /** Something the workload runs alongside. */
    @FunctionalInterface
    interface During {
        void run() throws Exception;
    }

    /** One application: its operation, where its ids come from, what it wrote and the errors it saw. */
    static final class App {
        final String name;
        final Op op;
        final AtomicLong nextId;
        final Set<Long> ids = ConcurrentHashMap.newKeySet();
        final List<String> errors = new CopyOnWriteArrayList<>();
        /** Where the app connects, if not the workload's data source (e.g. its version schema). */
        volatile DataSource dataSource;

        App(String name, Op op, long firstId) {
            this.name = name;
            this.op = op;
            this.nextId = new AtomicLong(firstId - 1);
        }

        void write(Connection connection) {
            long id = nextId.incrementAndGet();
            try {
                op.run(connection, id);
                ids.add(id);
            } catch (SQLException | RuntimeException e) {
                errors.add(name + " row " + id + ": " + e.getMessage());
            }
        }

        /** Connects the app from now on through this data source. */
        App on(DataSource source) {
            this.dataSource = source;
            return this;
        }

        List<String> takeErrors() {
            List<String> taken = new ArrayList<>(errors);
            errors.clear();
            return taken;
        }
    }

    private Workload() {
    }

    /**
     * Runs the apps, two threads each, while {@code during} runs and for at least {@code minOps}
     * operations per thread (at most {@code maxOps}).
     */
    static void run(DataSource dataSource, List<App> apps, int minOps, During during) throws Exception {
        AtomicBoolean done = new AtomicBoolean(during == null);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> broken = new CopyOnWriteArrayList<>();
        // connected before the migration starts, as a pool's connections are (H2 refuses new ones during DDL)
        CountDownLatch connected = new CountDownLatch(apps.size() * 2);
        for (App app : apps) {
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    try (Connection connection = (app.dataSource == null ? dataSource : app.dataSource).getConnection()) {
                        app.write(connection); // prepares the app's statements, as a warm pool has them
                        connected.countDown();
                        int ops = 1;
                        while ((!done.get() || ops < minOps) && ops < 50 * minOps + 10_000) {
                            app.write(connection);
                            ops++;
                            Thread.sleep(1);
                        }
                    } catch (SQLException | InterruptedException e) {
                        connected.countDown();
                        broken.add(e);
                    }
                }, "workload-" + app.name + "-" + t);
                thread.start();
                threads.add(thread);
            }
        }
        connected.await();
        try {
            if (during != null) {
                during.run();
            }
        } finally {
            done.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        if (!broken.isEmpty()) {
            throw new IllegalStateException("workload could not run", broken.get(0));
        }
    }
}
