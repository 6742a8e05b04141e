package dev.rollback.examples.checkout.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Watches the service while the traffic runs, the way an operator's tools would, over HTTP only:
 * polls {@code /actuator/rollback} for the feature's state and the verdict, scrapes
 * {@code /actuator/prometheus} about once a second for the guarded calls by path and outcome, and,
 * with a flag system the demo operates (Unleash, a flagd file), asks it whether the flag is still on.
 * What it sees goes into the timeline.
 */
final class Observer {

    /** Timeline event: the first new-path failure the service counted. */
    static final String FIRST_NEW_FAILURE = "first new-path failure";
    /** Timeline event: the first call the old path answered for the new one. */
    static final String FIRST_FALLBACK = "first fallback";
    /** Timeline event: the feature was rolled back. */
    static final String VERDICT = "verdict: rolled back";
    /** Timeline event: the kill switch turned the flag off in the flag system (Unleash, a flagd file). */
    static final String FLAG_OFF = "flag off fleet-wide";

    private static final long POLL_MILLIS = 200;
    private static final int SCRAPE_EVERY = 5;

    private final ServiceClient client;
    private final String feature;
    private final Timeline timeline;
    private final ServerSeries series;
    private final long startNanos;
    private final Instant startWall;
    private final @Nullable FlagAdmin flags;
    private final AtomicReference<String> state = new AtomicReference<>("unknown");
    private final AtomicReference<String> health = new AtomicReference<>("unknown");
    private final AtomicReference<JsonNode> lastRollback = new AtomicReference<>();
    private volatile List<ServiceClient> alsoScraped = List.of();
    private volatile boolean stopped;
    private Thread thread;

    /**
     * Prepares the observer; nothing is polled before {@link #start()}.
     *
     * @param client          the service's client
     * @param feature         the feature watched
     * @param timeline        where events go
     * @param series          where scrapes go
     * @param startNanos      {@link System#nanoTime()} when the traffic started
     * @param startWall       the wall-clock time then, to place the service's timestamps
     * @param flags           the flag system the demo operates, or {@code null} for in-memory flags
     */
    Observer(ServiceClient client, String feature, Timeline timeline, ServerSeries series, long startNanos,
             Instant startWall, @Nullable FlagAdmin flags) {
        this.client = client;
        this.feature = feature;
        this.timeline = timeline;
        this.series = series;
        this.startNanos = startNanos;
        this.startWall = startWall;
        this.flags = flags;
    }

    /**
     * Adds the meters of other instances of the service to every scrape, so that the series counts the
     * calls of the whole fleet; the feature's state is still read from the first instance.
     *
     * @param others the clients of the other instances
     */
    void alsoScrape(List<ServiceClient> others) {
        alsoScraped = List.copyOf(others);
    }

    /** Starts polling on a thread of its own. */
    void start() {
        thread = new Thread(this::run, "demo-observer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops polling after one last scrape, so the series covers the end of the traffic.
     *
     * @throws InterruptedException if interrupted while waiting for the thread
     */
    void stop() throws InterruptedException {
        stopped = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
        scrape();
    }

    /** @return the feature's state as the service last reported it, e.g. {@code ROLLING_OUT} */
    String state() {
        return state.get();
    }

    /** @return the instance's health status as the service last reported it */
    String health() {
        return health.get();
    }

    /** @return the feature's last rollback as {@code /actuator/rollback} showed it, or {@code null} */
    JsonNode lastRollback() {
        return lastRollback.get();
    }

    private void run() {
        int tick = 0;
        while (!stopped) {
            try {
                poll();
                if (tick++ % SCRAPE_EVERY == 0) {
                    scrape();
                }
                if (flags != null && timeline.has(VERDICT) && !timeline.has(FLAG_OFF) && !flags.isOn()) {
                    timeline.once(elapsedMillis(), FLAG_OFF, flags.offDetail(), flags.source());
                }
            } catch (DemoException e) {
                timeline.once(elapsedMillis(), "observer error", e.getMessage(), "demo");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void poll() {
        JsonNode report = client.rollbackEndpoint();
        health.set(report.path("status").asString("unknown"));
        for (JsonNode f : report.path("features")) {
            if (!feature.equals(f.path("feature").asString())) {
                continue;
            }
            String now = f.path("state").asString("unknown");
            String before = state.getAndSet(now);
            JsonNode rollback = f.path("lastRollback");
            if ("ROLLED_BACK".equals(now) && !rollback.isMissingNode()) {
                lastRollback.set(rollback);
                long at = serviceTimeToElapsed(rollback.path("time").asString(null));
                timeline.once(at, VERDICT, verdict(rollback) + "; health " + health.get(), "service");
            } else if (!now.equals(before) && !"unknown".equals(before) && !"ROLLED_BACK".equals(now)) {
                // ROLLED_BACK is recorded as the verdict, once the endpoint shows the rollback's evidence
                timeline.add(elapsedMillis(), "state " + now, f.path("reason").asString(""), "service");
            }
        }
    }

    private void scrape() {
        List<PrometheusText.Sample> samples = new ArrayList<>(client.scrape());
        alsoScraped.forEach(other -> samples.addAll(other.scrape()));
        ServerSeries.Point p = series.add(elapsedMillis(), samples);
        if (p.newFailure() > 0) {
            timeline.once(p.elapsedMillis(), FIRST_NEW_FAILURE, String.format(Locale.ROOT,
                    "the service's meters count %.0f failed new-path call(s) (seen at this scrape)", p.newFailure()),
                    "service");
        }
        if (p.oldFallback() > 0) {
            timeline.once(p.elapsedMillis(), FIRST_FALLBACK, String.format(Locale.ROOT,
                    "%.0f call(s) answered by the old path instead (seen at this scrape)", p.oldFallback()),
                    "service");
        }
    }

    /** The verdict in words, from the endpoint's {@code lastRollback}. */
    static String verdict(JsonNode rollback) {
        JsonNode e = rollback.path("evidence");
        String by = "by " + rollback.path("actor").asString("?");
        if (e.isMissingNode()) {
            return by + ": " + rollback.path("reason").asString("");
        }
        return String.format(Locale.ROOT, "%s, %s: %s", by, e.path("criterion").asString("?").toLowerCase(Locale.ROOT),
                e.path("summary").asString(rollback.path("reason").asString("")));
    }

    private long serviceTimeToElapsed(String time) {
        return elapsedMillis(startWall, time, elapsedMillis());
    }

    /**
     * Places a time the service reported on the timeline.
     *
     * @param startWall the wall-clock time when the traffic started
     * @param time      the service's time, ISO-8601, or {@code null}
     * @param otherwise what to return when there is no time or it cannot be read
     * @return milliseconds since the traffic started
     */
    static long elapsedMillis(Instant startWall, String time, long otherwise) {
        if (time == null) {
            return otherwise;
        }
        try {
            return Duration.between(startWall, Instant.parse(time)).toMillis();
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
