package dev.rollback.examples.checkout.demo;

import dev.rollback.examples.checkout.order.QuoteService;
import dev.rollback.examples.checkout.reflex.ReflexRig;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The demo's {@code --scenario=instance}: the instance reflex with real processes on loopback, run by
 * the same {@link ReflexRig} as the reflex end-to-end tests. The checkout service runs as release 2
 * (its {@value QuoteService#FEATURE} has no old path) and the rollback agent's runnable jar polls its
 * {@code /actuator/rollback} every second, reverting with a command that stops release 2 and starts
 * release 1 on the same port. A client sends quotes about every 20 ms; the demo makes the new quote
 * fail; the judge rolls the feature back and the instance reports {@code ROLLBACK_REQUESTED}; the
 * agent reverts; release 1 answers. The demo's {@link Observer} watches the service as in the
 * checkout scenario until the agent has asked for the revert.
 */
final class InstanceScenario {

    /** The agent's {@code watch} section: every second, two consecutive polls. */
    static final String WATCH = "{interval: 1s, timeout: 1s, consecutive: 2}";
    /** How long the agent may take to ask for a revert after the onset. */
    static final Duration REQUEST_WITHIN = Duration.ofSeconds(30);

    /** Why a client got what it got, for the timeline and the summary. */
    private static final Map<String, String> WHY = Map.of(
            "HTTP 500", "release 2's failing " + QuoteService.FEATURE + ", which has no old path",
            "no connection", "nothing listened from release 2's stop until release 1 was up");

    private final PrintStream out;

    /**
     * Prepares a run.
     *
     * @param out where the live progress and timeline go
     */
    InstanceScenario(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the scenario; every process it started is stopped when it returns.
     *
     * @return what it saw
     * @throws DemoException         if the agent's jar is missing or a process cannot be started
     * @throws IllegalStateException if a step did not happen in time, with the processes' logs
     * @throws InterruptedException  if interrupted
     */
    InstanceResult run() throws InterruptedException {
        try {
            ReflexRig.requirePrograms();
        } catch (Exception e) {
            throw new DemoException("the instance scenario needs the rollback agent's runnable jar and setsid: "
                    + e.getMessage() + " is missing; build the agent with the demo's command in the README ("
                    + "./mvnw -B -q -pl examples/spring-boot-checkout -am package -Pdemo -DskipTests"
                    + " -Dexec.args=\"--scenario=instance\")", e);
        }
        try (ReflexRig rig = new ReflexRig()) {
            long bootStart = System.nanoTime();
            rig.startRelease2();
            out.printf(Locale.ROOT, "checkout service release 2 up on %s in %.1f s (its own JVM)%n", rig.service(),
                    (System.nanoTime() - bootStart) / 1e9);
            rig.startAgent(WATCH, "healthUrls: [\"" + rig.service() + "/actuator/rollback\"]");
            out.printf(Locale.ROOT, "rollback agent up on %s (its runnable jar): polls /actuator/rollback every 1 s,"
                    + " reverts after 2 consecutive ROLLBACK_REQUESTED with a command that stops release 2 and"
                    + " starts release 1%n%n", rig.agent());
            return drive(rig);
        } catch (IOException e) {
            throw new DemoException("the instance scenario could not run its processes: " + e.getMessage(), e);
        }
    }

    private InstanceResult drive(ReflexRig rig) throws IOException, InterruptedException {
        Timeline timeline = new Timeline(out);
        Instant start = Instant.now();
        long startNanos = System.nanoTime();
        Observer observer = new Observer(new ServiceClient(rig.servicePort()), QuoteService.FEATURE, timeline,
                new ServerSeries(QuoteService.FEATURE), startNanos, start, null);
        timeline.add(0, "traffic starts", "GET /quote about every 20 ms, one client", "client");
        observer.start();
        ReflexRig.Revert revert = rig.breakAndAwaitRelease1(REQUEST_WITHIN, (milestone, at) -> {
            long elapsed = millis(start, at);
            switch (milestone) {
                case ReflexRig.ONSET -> timeline.add(elapsed, "regression onset", QuoteService.FEATURE
                        + " fails on every call (demo admin API); it has no old path: its callers get HTTP 500",
                        "demo");
                case ReflexRig.REVERT_REQUESTED -> {
                    timeline.add(elapsed, "revert requested", "the agent saw ROLLBACK_REQUESTED at 2 consecutive polls"
                            + " and queued a revert of checkout", "agent");
                    stop(observer);    // its work is done; from here on the service goes away
                }
                default -> timeline.add(elapsed, "release 1 serving", "the client's first answer from release 1",
                        "client");
            }
        });
        List<ReflexRig.Answer> answers = rig.answers();
        addRevertCommand(timeline, start, rig.revertLog());
        JsonNode done = revert.request();
        timeline.addQuietly(millis(start, instant(done.path("finishedAt").asString(null), revert.release1())),
                "revert ended", done.path("state").asString("?") + " (its command returned), trigger " + done.path("trigger").asString("?")
                        + ": " + done.path("reason").asString(""), "agent");
        long release1 = millis(start, revert.release1());
        timeline.addQuietly(release1, "failed requests", describeFailures(revert.during()), "client");
        long last = answers.isEmpty() ? 0 : millis(start, answers.get(answers.size() - 1).at());
        timeline.addQuietly(last, "traffic ends", String.format(Locale.ROOT, "%,d requests sent; after release 1's"
                + " first answer: %s", answers.size(), describe(revert.after())), "client");
        return new InstanceResult(answers.stream().map(a -> new InstanceResult.TimedAnswer(millis(start, a.at()),
                a.outcome())).toList(), timeline.entries(), millis(start, revert.onset()),
                millis(start, revert.requested()), release1, revert.during(), revert.after(),
                done.path("state").asString("?"));
    }

    private static void stop(Observer observer) {
        try {
            observer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DemoException e) {
            // its last scrape found the service gone: nothing lost, the timeline has what it saw
        }
    }

    /** Adds the revert command's steps, from its log's {@code HH:MM:SS.NNNNNNNNN what} lines (UTC). */
    private static void addRevertCommand(Timeline timeline, Instant start, String log) {
        for (String line : log.lines().toList()) {
            int space = line.indexOf(' ');
            try {
                LocalTime time = LocalTime.parse(line.substring(0, space));
                Instant at = start.atOffset(ZoneOffset.UTC).with(time).toInstant();
                timeline.addQuietly(millis(start, at), "revert command", line.substring(space + 1), "agent's command");
            } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
                timeline.addQuietly(0, "revert command", line, "agent's command");
            }
        }
    }

    /** Says how many requests failed between the onset and release 1's first answer, and why. */
    static String describeFailures(Map<String, Long> during) {
        Map<String, Long> failed = during.entrySet().stream().filter(e -> InstanceResult.failed(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        long total = during.values().stream().mapToLong(Long::longValue).sum();
        long failures = failed.values().stream().mapToLong(Long::longValue).sum();
        String why = failed.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> String.format(Locale.ROOT, "%,d %s (%s)", e.getValue(), e.getKey(),
                        WHY.getOrDefault(e.getKey(), "unexpected")))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%,d of %,d requests from the onset to release 1's first answer failed%s",
                failures, total, failures == 0 ? "" : ": " + why);
    }

    private static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> String.format(Locale.ROOT, "%,d %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining(", "));
    }

    private static Instant instant(String text, Instant otherwise) {
        try {
            return text == null ? otherwise : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }

    private static long millis(Instant start, Instant at) {
        return Duration.between(start, at).toMillis();
    }
}
