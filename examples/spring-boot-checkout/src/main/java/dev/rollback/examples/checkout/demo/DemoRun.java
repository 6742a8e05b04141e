package dev.rollback.examples.checkout.demo;

import dev.rollback.core.flag.FlagSource;
import dev.rollback.examples.checkout.CheckoutApplication;
import dev.rollback.examples.checkout.order.CheckoutService;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * One run of the demo: starts the checkout service on 127.0.0.1, sends it orders for a bounded time,
 * switches the new path on for a share of users, injects the regression, watches what the service
 * does, and returns what was seen. The service runs in this JVM but is reached only over HTTP.
 * With {@code --instances=N} it starts N instances that share one ledger database (and so the fleet's
 * evidence), spreads the traffic over them, and watches each ({@link FleetWatch}); the ledger's
 * {@code FLEET} rollbacks are counted in its database at the end.
 */
final class DemoRun {

    private static final String FEATURE = CheckoutService.FEATURE;
    private static final long PROGRESS_EVERY_MILLIS = 2_000;
    private static final int WARM_UP_REQUESTS = 300;

    private final DemoOptions options;
    private final PrintStream out;
    /** Names this run's in-memory H2 database with several instances, which no other run in the JVM shares. */
    private final String fleetDatabase = UUID.randomUUID().toString();
    /** The run's start in seconds, base 36: names this run's instances and schema on PostgreSQL. */
    private final String runTag = Long.toString(System.currentTimeMillis() / 1_000, 36);

    /**
     * Prepares a run.
     *
     * @param options what to do
     * @param out     where the live progress and timeline go
     */
    DemoRun(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Returns a port on 127.0.0.1 that nothing listens on: the one asked for, or a free one for 0.
     *
     * @param port the port asked for, or 0
     * @return the port
     * @throws PortInUseException if the port asked for is taken
     */
    static int choosePort(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new PortInUseException("port " + port + " on 127.0.0.1 is in use (" + e.getMessage()
                    + "); pick another with --port=N, or --port=0 for a free one");
        }
    }

    /**
     * Runs the demo.
     *
     * @return what it saw
     * @throws PortInUseException if the port is taken
     * @throws DemoException      if the service or the flag system (Unleash, the flag file) cannot be used
     * @throws InterruptedException if interrupted
     */
    RunResult run() throws InterruptedException {
        FlagAdmin flags = switch (options.flags()) {
            case MEMORY -> null;
            case UNLEASH -> new UnleashAdmin(FEATURE);
            case OPENFEATURE -> new FlagdFileAdmin(options.reportDirectory().resolve("flagd.json"), FEATURE);
        };
        if (flags != null) {
            flags.prepare();
            out.println(FEATURE + " on for 0% of users (" + flags.describe() + ")");
        }
        long bootStart = System.nanoTime();
        List<String> ids = instanceIds();
        List<ConfigurableApplicationContext> services = new ArrayList<>();
        try {
            List<ServiceClient> clients = new ArrayList<>();
            for (int i = 0; i < options.instances(); i++) {
                int port = choosePort(i == 0 ? options.port() : 0);    // each chosen just before it is taken
                services.add(startService(port, flags, ids.isEmpty() ? null : ids.get(i)));
                clients.add(new ServiceClient(port));
            }
            String where = switch (options.flags()) {
                case MEMORY -> "H2 in memory, flags in memory";
                case UNLEASH -> "PostgreSQL, Unleash";
                case OPENFEATURE -> "H2 in memory, OpenFeature on flagd in-process";
            };
            if (ids.isEmpty()) {
                out.printf(Locale.ROOT, "checkout service up on http://127.0.0.1:%d in %.1f s (%s)%n%n",
                        clients.get(0).port(), (System.nanoTime() - bootStart) / 1e9, where);
            } else {
                out.printf(Locale.ROOT, "%d instances of the checkout service up in %.1f s (%s; one ledger database,"
                        + " fleet evidence on): %s%n%n", ids.size(), (System.nanoTime() - bootStart) / 1e9, where,
                        describeInstances(ids, clients));
            }
            String flagSource = services.get(0).getBean(FlagSource.class).getClass().getSimpleName()
                    + (flags == null ? "" : "; rollout set by " + flags.describe());
            return drive(clients, ids, flags, flagSource, services.get(0));
        } finally {
            services.forEach(ConfigurableApplicationContext::close);
        }
    }

    /**
     * The instances' ids with {@code --instances} above 1, none for one instance (which keeps the id the
     * starter gives it). They carry the run's start in base 36 on PostgreSQL, where the run's schema
     * outlives it.
     */
    private List<String> instanceIds() {
        if (options.instances() == 1) {
            return List.of();
        }
        String run = options.flags() == FlagMode.UNLEASH ? "-" + runTag : "";
        return IntStream.rangeClosed(1, options.instances()).mapToObj(i -> "checkout-" + i + run).toList();
    }

    private static String describeInstances(List<String> ids, List<ServiceClient> clients) {
        return IntStream.range(0, ids.size()).mapToObj(i -> ids.get(i) + " on http://127.0.0.1:" + clients.get(i).port())
                .collect(Collectors.joining(", "));
    }

    /**
     * Starts one instance. With an instance id (a fleet), the instances share one ledger database: an
     * in-memory H2 database of this run alone, or a PostgreSQL schema of this run in {@code appdb}.
     */
    private ConfigurableApplicationContext startService(int port, @Nullable FlagAdmin flags,
                                                         @Nullable String instanceId) {
        List<String> profiles = new ArrayList<>();
        if (options.flags() == FlagMode.UNLEASH) {
            profiles.add("postgres");
            profiles.add("unleash");
        }
        List<String> flagFile = new ArrayList<>();
        if (flags instanceof FlagdFileAdmin file) {
            profiles.add("openfeature");
            flagFile.add("checkout.openfeature.flag-file=" + file.file());
        }
        // the builder's properties are defaults, below application.yaml; a fleet's own settings are
        // arguments, above it, so that its ledger database is this run's alone
        List<String> fleet = new ArrayList<>();
        if (instanceId != null) {
            fleet.add("--rollback.service.instance-id=" + instanceId);
            if (options.flags() != FlagMode.UNLEASH) {
                fleet.add("--spring.datasource.url=jdbc:h2:mem:checkout-demo-fleet-" + fleetDatabase
                        + ";DB_CLOSE_DELAY=-1");
            } else {
                // a schema of this run: the fleet pools the blocks of its service version, and every run is the
                // same version, with a regression injected at run time that no version change announces
                String schema = "checkout_fleet_" + runTag;
                fleet.add("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/appdb?currentSchema=" + schema);
                createSchema(schema);    // before the start: the ledger's own connections need it at once
                fleet.add("--spring.liquibase.default-schema=" + schema);
            }
        }
        return new SpringApplicationBuilder(CheckoutApplication.class)
                .profiles(profiles.toArray(String[]::new))
                .properties("server.port=" + port, "spring.main.log-startup-info=false",
                        "logging.level.dev.rollback.liquibase=WARN", "server.address=127.0.0.1",
                        "checkout.demo.admin-enabled=true",
                        "spring.datasource.url=" + (options.flags() == FlagMode.UNLEASH
                                ? "${SPRING_DATASOURCE_URL:jdbc:postgresql://127.0.0.1:5432/appdb?currentSchema=checkout_example}"
                                : "jdbc:h2:mem:checkout-demo;DB_CLOSE_DELAY=-1"))
                .properties(flagFile.toArray(String[]::new))
                .run(fleet.toArray(String[]::new));
    }

    /** Creates a schema in {@code appdb} as the {@code postgres} profile's user. */
    private static void createSchema(String schema) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/appdb", "app", "app");
             Statement create = c.createStatement()) {
            create.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        } catch (SQLException e) {
            throw new DemoException("could not create the fleet's schema " + schema + " in PostgreSQL: "
                    + e.getMessage(), e);
        }
    }

    private RunResult drive(List<ServiceClient> clients, List<String> ids, @Nullable FlagAdmin flags,
                            String flagSource, ConfigurableApplicationContext first) throws InterruptedException {
        ServiceClient client = clients.get(0);
        Timeline timeline = new Timeline(out);
        ClientStats stats = new ClientStats(options.durationSeconds() + 1);
        ServerSeries series = new ServerSeries(FEATURE);
        String phaseBefore = migrationPhase(client);
        String schemas = versionSchemas(client);
        for (ServiceClient c : clients) {
            warmUp(c);
        }

        long start = System.nanoTime();
        Instant startWall = Instant.now();
        Observer observer = new Observer(client, FEATURE, timeline, series, start, startWall, flags);
        observer.alsoScrape(clients.subList(1, clients.size()));
        FleetWatch fleet = ids.isEmpty() ? null : new FleetWatch(clients, ids, FEATURE, timeline, startWall, start);
        TrafficDriver traffic = new TrafficDriver(clients, stats, options, start);
        timeline.add(0, "traffic starts", String.format(Locale.ROOT, "%d requests/s for %d s, %d users, POST /orders%s",
                options.rate(), options.durationSeconds(), options.users(), fleet == null ? ""
                        : ", round-robin over " + ids.size() + " instances sharing one ledger database"), "client");
        timeline.add(0, "migration phase", phaseBefore + " (expand ran at start-up: both shapes of the orders table live)",
                "service");
        timeline.add(0, "version schemas", schemas, "service");
        timeline.add(0, "flag source", flagSource, "service");
        observer.start();
        traffic.start();

        long rolloutAt = TimeUnit.SECONDS.toNanos(options.rolloutAtSeconds());
        long onsetAt = TimeUnit.SECONDS.toNanos(options.onsetSeconds());
        long end = TimeUnit.SECONDS.toNanos(options.durationSeconds());
        long rolloutMillis = -1;
        long onsetMillis = -1;
        long nextProgress = 0;
        while (true) {
            long now = System.nanoTime() - start;
            if (rolloutMillis < 0 && now >= rolloutAt) {
                if (flags != null) {
                    flags.setRollout(options.rolloutPercent());
                } else {
                    clients.forEach(c -> c.setRollout(options.rolloutPercent()));
                }
                rolloutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                timeline.add(rolloutMillis, "rollout", FEATURE + " on for " + options.rolloutPercent() + "% of users ("
                        + (flags != null ? flags.describe() : "demo admin API, in-memory flags") + ")", "demo");
            }
            if (onsetMillis < 0 && now >= onsetAt) {
                clients.forEach(c -> c.setFault(options.regression().optionValue(), options.errorRate(),
                        options.addedLatencyMs()));
                onsetMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                timeline.add(onsetMillis, "regression onset", options.describeRegression(), "demo");
            }
            if (fleet != null) {
                watch(fleet, timeline);
            }
            if (now >= nextProgress * 1_000_000) {
                progress(now, stats, observer);
                nextProgress += PROGRESS_EVERY_MILLIS;
            }
            if (now >= end) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        traffic.join();
        long endMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (flags != null && timeline.has(Observer.VERDICT) && !timeline.has(Observer.FLAG_OFF)) {
            awaitFlagOff(flags, timeline, start);
        }
        RunResult.Fleet fleetOutcome = fleet == null ? null : awaitFleet(fleet, timeline, first, startWall, endMillis);
        observer.stop();
        out.println();

        addClientEntries(timeline, stats);
        timeline.addQuietly(endMillis, "traffic ends", String.format(Locale.ROOT,
                "%,d requests sent, %,d answered by the new path", stats.total(), stats.answeredByV2()), "client");
        timeline.addQuietly(endMillis, "migration phase", migrationPhase(client)
                + " (the rollback needed no down-migration; contract waits for a confirmed release)", "service");
        JsonNode rollback = observer.lastRollback();
        return new RunResult(options, stats, series.intervals(), timeline.entries(), rolloutMillis, onsetMillis,
                timeline.timeOf(Observer.VERDICT), rollback == null ? "" : Observer.verdict(rollback), observer.state(),
                fleetOutcome);
    }

    /**
     * Sends {@value #WARM_UP_REQUESTS} orders before the measured traffic, so that the first seconds
     * of the charts show the service, not the JIT compiler and connection set-up. They take the old
     * path (nothing is rolled out yet) and none may fail.
     */
    private void warmUp(ServiceClient client) {
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            ServiceClient.OrderResult r = client.placeOrder("warm-up-" + i, "Warm Up", "PAD-4", 1);
            if (r.answer() == ClientStats.Answer.FAILED) {
                throw new DemoException("the service failed a warm-up order before the demo began: " + r.failure());
            }
        }
        out.println("warm-up: " + WARM_UP_REQUESTS + " orders placed before the measured traffic (not counted below)");
    }

    private static void watch(FleetWatch fleet, Timeline timeline) {
        try {
            fleet.poll();
        } catch (DemoException e) {
            timeline.once(0, "fleet watch error", e.getMessage(), "demo");
        }
    }

    /**
     * After the traffic: waits up to 5 s for every instance to be on the old path, then counts the
     * feature's {@code FLEET} rollbacks of this run in the ledger (written off the call path, so also
     * waited for).
     */
    private static RunResult.Fleet awaitFleet(FleetWatch fleet, Timeline timeline,
                                              ConfigurableApplicationContext first, Instant startWall, long endMillis)
            throws InterruptedException {
        long records = 0;
        for (int i = 0; i < 25; i++) {
            watch(fleet, timeline);
            records = fleetRollbacks(first.getBean(DataSource.class), startWall);
            if (fleet.onOldPath() == fleet.instances() && records > 0) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        RunResult.Fleet outcome = new RunResult.Fleet(fleet.instances(), timeline.has(FleetWatch.FLEET_VERDICT),
                fleet.onOldPath(), fleet.byFleetJudge(), records, fleet.onOldPath() < fleet.instances() ? -1
                : timeline.entries().stream().filter(e -> e.event().startsWith(FleetWatch.OLD_PATH_ON))
                        .mapToLong(Timeline.Entry::elapsedMillis).max().orElse(-1));
        timeline.addQuietly(endMillis, "fleet outcome", outcome.describe(), "service, ledger");
        return outcome;
    }

    /** The feature's {@code FLEET} rollbacks recorded in the ledger since the traffic started. */
    private static long fleetRollbacks(DataSource dataSource, Instant since) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM rollback_record"
                     + " WHERE feature = ? AND scope = 'FLEET' AND rollback_time >= ?")) {
            count.setString(1, FEATURE);
            count.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new DemoException("could not read the ledger's rollback_record: " + e.getMessage(), e);
        }
    }

    /** Waits up to 10 s for the kill switch to reach the flag system after the traffic has ended. */
    private static void awaitFlagOff(FlagAdmin flags, Timeline timeline, long start) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (!flags.isOn()) {
                timeline.once(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Observer.FLAG_OFF,
                        flags.offDetail(), flags.source());
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Adds what the client's own counts show: when the new path first and last answered, and failures. */
    private static void addClientEntries(Timeline timeline, ClientStats stats) {
        if (stats.firstV2Millis() >= 0) {
            timeline.addQuietly(stats.firstV2Millis(), "first answer from the new path",
                    "a receipt marked v2", "client");
            timeline.addQuietly(stats.lastV2Millis(), "last answer from the new path",
                    "from then on only the old path (v1) answered", "client");
        }
        timeline.addQuietly(TimeUnit.SECONDS.toMillis(stats.seconds() - 1), "failed requests",
                String.format(Locale.ROOT, "%,d of %,d failed for the client%s", stats.failures(), stats.total(),
                        stats.failures() == 0 ? " (the claim: zero)" : "; the first: " + stats.firstFailure()),
                "client");
    }

    private String migrationPhase(ServiceClient client) {
        try {
            return "schema " + client.info().path("migration").path("phase").asString("unknown");
        } catch (DemoException e) {
            return "schema phase unknown (" + e.getMessage() + ")";
        }
    }

    /** Which schema each version uses, as {@code /actuator/info} says. */
    private String versionSchemas(ServiceClient client) {
        try {
            JsonNode schemas = client.info().path("migration").path("schemas");
            if (schemas.has("newPath")) {
                return String.format(Locale.ROOT, "new path (v2) on %s, old path (v1) on %s, the rest of the service on %s",
                        schemas.path("newPath").asString(), schemas.path("oldPath").asString(),
                        schemas.path("rest").asString());
            }
            return schemas.path("none").asString(schemas.toString()) + " (--flags=unleash runs on PostgreSQL)";
        } catch (DemoException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private long progressTotal;
    private long progressV2;

    /** Prints one progress line: totals, and the new path's share of the requests since the last line. */
    private void progress(long elapsedNanos, ClientStats stats, Observer observer) {
        long total = stats.total();
        long v2 = stats.answeredByV2();
        long sent = total - progressTotal;
        out.printf(Locale.ROOT, "  [%3d s] requests %,7d  failed %,d  new path answered %5.1f%% (last %d s)  %s %s"
                        + "  health %s%n", TimeUnit.NANOSECONDS.toSeconds(elapsedNanos), total, stats.failures(),
                sent == 0 ? 0.0 : 100.0 * (v2 - progressV2) / sent, PROGRESS_EVERY_MILLIS / 1000, FEATURE,
                observer.state(), observer.health());
        progressTotal = total;
        progressV2 = v2;
    }

    /** The port asked for is taken. */
    static final class PortInUseException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
