package dev.rollback.liquibase;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        /** How the app finds its version schema before each write; null: it stays where it connected. */
        volatile Version version;
        /** The schemas the app's writes went through (first on their search path) since last taken. */
        final Set<String> schemas = ConcurrentHashMap.newKeySet();

        App(String name, Op op, long firstId) {
            this.name = name;
            this.op = op;
            this.nextId = new AtomicLong(firstId - 1);
        }

        void write(Connection connection) {
            long id = nextId.incrementAndGet();
            try {
                Version following = version;
                if (following != null) {
                    schemas.add(following.follow(connection));
                }
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

        /** From now on, finds its version schema before each write, as an application of that change log does. */
        App following(Version following) {
            this.version = following;
            return this;
        }

        List<String> takeSchemas() {
            List<String> taken = new ArrayList<>(schemas);
            schemas.clear();
            return taken;
        }

        List<String> takeErrors() {
            List<String> taken = new ArrayList<>(errors);
            errors.clear();
            return taken;
        }
    }

    /**
     * An application's version: the change sets of its own change log. Before each write it looks up
     * the schema of its version ({@link VersionSchema#resolve}) on its connection until that is a
     * version schema, then keeps it, as the Spring starter's data source does; so an application that
     * connected before an expand moves onto its version's schema as soon as the expand has made it.
     */
    static final class Version {
        private final String physical;
        private final List<String> changeSetIds;
        private final Map<Connection, String> schemaOf = new ConcurrentHashMap<>();

        Version(String physical, List<String> changeSetIds) {
            this.physical = physical;
            this.changeSetIds = List.copyOf(changeSetIds);
        }

        /** Puts the connection on the version's schema if it has one by now; returns the schema it is on. */
        String follow(Connection connection) throws SQLException {
            String schema = schemaOf.getOrDefault(connection, physical);
            if (schema.equals(physical)) {
                String found = VersionSchema.resolve(connection, physical, changeSetIds);
                if (!found.equals(schema)) {
                    VersionSchema.use(connection, found);
                    schema = found;
                }
                schemaOf.put(connection, schema);
            }
            return schema;
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
