package dev.rollback.examples.checkout.demo;

import dev.rollback.core.flag.FlagSource;
import dev.rollback.examples.checkout.CheckoutApplication;
import dev.rollback.examples.checkout.order.CheckoutService;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * One run of the demo: starts the checkout service on 127.0.0.1, sends it orders for a bounded time,
 * switches the new path on for a share of users, injects the regression, watches what the service
 * does, and returns what was seen. The service runs in this JVM but is reached only over HTTP.
 */
final class DemoRun {

    private static final String FEATURE = CheckoutService.FEATURE;
    private static final long PROGRESS_EVERY_MILLIS = 2_000;
    private static final int WARM_UP_REQUESTS = 300;

    private final DemoOptions options;
    private final PrintStream out;

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
        int port = choosePort(options.port());
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
        ConfigurableApplicationContext service = startService(port, flags);
        try {
            out.printf(Locale.ROOT, "checkout service up on http://127.0.0.1:%d in %.1f s (%s)%n%n", port,
                    (System.nanoTime() - bootStart) / 1e9, switch (options.flags()) {
                        case MEMORY -> "H2 in memory, flags in memory";
                        case UNLEASH -> "PostgreSQL, Unleash";
                        case OPENFEATURE -> "H2 in memory, OpenFeature on flagd in-process";
                    });
            String flagSource = service.getBean(FlagSource.class).getClass().getSimpleName()
                    + (flags == null ? "" : "; rollout set by " + flags.describe());
            return drive(new ServiceClient(port), flags, flagSource);
        } finally {
            service.close();
        }
    }

    private ConfigurableApplicationContext startService(int port, @Nullable FlagAdmin flags) {
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
        return new SpringApplicationBuilder(CheckoutApplication.class)
                .profiles(profiles.toArray(String[]::new))
                .properties("server.port=" + port, "spring.main.log-startup-info=false",
                        "logging.level.dev.rollback.liquibase=WARN", "server.address=127.0.0.1",
                        "checkout.demo.admin-enabled=true",
                        "spring.datasource.url=" + (options.flags() == FlagMode.UNLEASH
                                ? "${SPRING_DATASOURCE_URL:jdbc:postgresql://127.0.0.1:5432/appdb?currentSchema=checkout_example}"
                                : "jdbc:h2:mem:checkout-demo;DB_CLOSE_DELAY=-1"))
                .properties(flagFile.toArray(String[]::new))
                .run();
    }

    private RunResult drive(ServiceClient client, @Nullable FlagAdmin flags, String flagSource)
            throws InterruptedException {
        Timeline timeline = new Timeline(out);
        ClientStats stats = new ClientStats(options.durationSeconds() + 1);
        ServerSeries series = new ServerSeries(FEATURE);
        String phaseBefore = migrationPhase(client);
        String schemas = versionSchemas(client);
        warmUp(client);

        long start = System.nanoTime();
        Instant startWall = Instant.now();
        Observer observer = new Observer(client, FEATURE, timeline, series, start, startWall, flags);
        TrafficDriver traffic = new TrafficDriver(client, stats, options, start);
        timeline.add(0, "traffic starts", String.format(Locale.ROOT, "%d requests/s for %d s, %d users, POST /orders",
                options.rate(), options.durationSeconds(), options.users()), "client");
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
                    client.setRollout(options.rolloutPercent());
                }
                rolloutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                timeline.add(rolloutMillis, "rollout", FEATURE + " on for " + options.rolloutPercent() + "% of users ("
                        + (flags != null ? flags.describe() : "demo admin API, in-memory flags") + ")", "demo");
            }
            if (onsetMillis < 0 && now >= onsetAt) {
                client.setFault(options.regression().optionValue(), options.errorRate(), options.addedLatencyMs());
                onsetMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                timeline.add(onsetMillis, "regression onset", options.describeRegression(), "demo");
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
        observer.stop();
        out.println();

        addClientEntries(timeline, stats);
        timeline.addQuietly(endMillis, "traffic ends", String.format(Locale.ROOT,
                "%,d requests sent, %,d answered by the new path", stats.total(), stats.answeredByV2()), "client");
        timeline.addQuietly(endMillis, "migration phase", migrationPhase(client)
                + " (the rollback needed no down-migration; contract waits for a confirmed release)", "service");
        JsonNode rollback = observer.lastRollback();
        return new RunResult(options, stats, series.intervals(), timeline.entries(), rolloutMillis, onsetMillis,
                timeline.timeOf(Observer.VERDICT), rollback == null ? "" : Observer.verdict(rollback), observer.state());
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
