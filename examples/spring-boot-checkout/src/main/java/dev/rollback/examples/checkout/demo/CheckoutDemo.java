package dev.rollback.examples.checkout.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The demo, the README's first command: the checkout service rolls a bad release back by itself
 * while a real HTTP client keeps ordering, and no order fails.
 *
 * <p>It starts the service on 127.0.0.1, sends orders at a steady rate, switches the new checkout
 * ({@code checkout-v2}) on for a share of users, injects a regression into it after a while, and
 * prints a progress line and what happens as it happens; then the timeline (the rollout, the
 * regression, the first fallbacks, the verdict with its statistics from {@code /actuator/rollback},
 * the flag off in Unleash or in the flag file when one is used, the requests that failed for the client, the
 * migration's phase), and writes {@code target/rollback-demo/report.html}.
 * <pre>{@code
 * ./mvnw -B -q -pl examples/spring-boot-checkout -am process-classes -Pdemo
 * ./mvnw -B -q -pl examples/spring-boot-checkout -am process-classes -Pdemo -Dexec.args="--regression=latency"
 * }</pre>
 * {@code --help} lists the options. {@code --scenario=instance} shows the instance reflex instead
 * ({@link InstanceScenario}): a feature without an old path fails, the instance asks to be reverted,
 * and the rollback agent brings back the previous release. {@code --instances=N} runs N instances of
 * the service on one ledger database, the traffic spread over them: the fleet judge pools their
 * evidence and its verdict rolls the feature back on all of them.
 */
public final class CheckoutDemo {

    /** Exit status when the feature was rolled back after the regression and no request failed. */
    static final int EXIT_OK = 0;
    /** Exit status when the run did not show that. */
    static final int EXIT_NOT_CONTAINED = 1;
    /** Exit status for a bad option, a port in use, or a server the demo needs that cannot be used. */
    static final int EXIT_USAGE = 2;

    /** The system property with the default report directory (the pom sets it to the module's target/rollback-demo). */
    static final String REPORT_DIRECTORY_PROPERTY = "rollback.demo.report-directory";

    private CheckoutDemo() {
    }

    /**
     * Runs the demo and exits with a non-zero status if it did not show what it claims (1) or could
     * not run (2).
     *
     * @param args the options, see {@code --help}
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    /**
     * Runs the demo; what {@link #main(String[])} does, without exiting.
     *
     * @param args the options
     * @param out  where progress, timeline and summary go
     * @param err  where errors and the usage go
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(DemoOptions.USAGE);
            return EXIT_OK;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(Path.of(System.getProperty(REPORT_DIRECTORY_PROPERTY, "target/rollback-demo")),
                    args);
        } catch (IllegalArgumentException e) {
            err.println("CheckoutDemo: " + e.getMessage());
            err.print(DemoOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.scenario() == Scenario.INSTANCE) {
            return runInstance(options, out, err);
        }
        out.printf(Locale.ROOT, "rollback demo: checkout-v2 on for %d%% of users at %d s, regression at %d s (%s),"
                + " %d requests/s for %d s%s%n", options.rolloutPercent(), options.rolloutAtSeconds(),
                options.onsetSeconds(), options.describeRegression(), options.rate(), options.durationSeconds(),
                options.instances() == 1 ? "" : ", over " + options.instances() + " instances");
        RunResult result;
        try {
            result = new DemoRun(options, out).run();
        } catch (DemoRun.PortInUseException | DemoException e) {
            err.println("CheckoutDemo: " + e.getMessage());
            return EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("CheckoutDemo: interrupted");
            return EXIT_NOT_CONTAINED;
        }
        printSummary(result, out);
        Path report = ReportWriter.write(result, options.reportDirectory());
        out.println("report: " + report.toAbsolutePath().normalize());
        return result.claimHolds() ? EXIT_OK : EXIT_NOT_CONTAINED;
    }

    /** The instance scenario: what {@link #run} does for {@code --scenario=instance}. */
    private static int runInstance(DemoOptions options, PrintStream out, PrintStream err) {
        out.println("rollback demo, instance reflex: release 2's quote-v2 (no old path) fails, the instance asks to be"
                + " reverted, the rollback agent brings back release 1");
        InstanceResult result;
        try {
            result = new InstanceScenario(out).run();
        } catch (DemoException e) {
            err.println("CheckoutDemo: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IllegalStateException e) {
            err.println("CheckoutDemo: the instance reflex was not shown: " + e.getMessage());
            return EXIT_NOT_CONTAINED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("CheckoutDemo: interrupted");
            return EXIT_NOT_CONTAINED;
        }
        out.println();
        printTimeline(result.timeline(), out);
        out.printf(Locale.ROOT, "onset -> revert requested: %.1f s; onset -> release 1 serving: %.1f s%n",
                (result.requestedMillis() - result.onsetMillis()) / 1000.0,
                (result.release1Millis() - result.onsetMillis()) / 1000.0);
        out.println(InstanceScenario.describeFailures(result.during()));
        out.println(result.claimHolds() ? "claim holds: the instance asked to be reverted, the agent brought back"
                + " release 1, and after its first answer only release 1 answered."
                : "claim does NOT hold (revert " + result.revertState() + ", after release 1's first answer: "
                + result.after() + ").");
        Path report = ReportWriter.write(InstanceReport.html(result), options.reportDirectory());
        out.println("report: " + report.toAbsolutePath().normalize());
        return result.claimHolds() ? EXIT_OK : EXIT_NOT_CONTAINED;
    }

    private static void printTimeline(List<Timeline.Entry> timeline, PrintStream out) {
        out.println("timeline (seconds since the traffic started; [who saw it]):");
        for (Timeline.Entry e : timeline) {
            out.printf(Locale.ROOT, "  %s  %-31s %s  [%s]%n", e.time(), e.event(), e.detail(), e.source());
        }
        out.println();
    }

    private static void printSummary(RunResult result, PrintStream out) {
        printTimeline(result.timeline(), out);
        ClientStats c = result.client();
        if (result.rollbackMillis() >= 0) {
            out.printf(Locale.ROOT, "checkout-v2 was rolled back %.1f s after the regression started.%n",
                    (result.rollbackMillis() - result.onsetMillis()) / 1000.0);
        } else {
            out.println("checkout-v2 was NOT rolled back (state " + result.finalState() + ").");
        }
        RunResult.Fleet fleet = result.fleet();
        if (fleet != null) {
            out.println(fleet.describe() + ".");
            if (fleet.allOnOldPathMillis() >= 0) {
                out.printf(Locale.ROOT, "all %d instances on the old path %.1f s after the regression started.%n",
                        fleet.instances(), (fleet.allOnOldPathMillis() - result.onsetMillis()) / 1000.0);
            }
        }
        out.printf(Locale.ROOT, "requests that failed for the client: %,d of %,d%s%n", c.failures(), c.total(),
                c.failures() == 0 ? "" : " (the first: " + c.firstFailure() + ")");
        out.println(result.claimHolds() ? "claim holds: the service contained the bad release, no order failed"
                + (fleet == null ? "." : ", and the fleet verdict rolled it back on every instance, recorded once.")
                : "claim does NOT hold.");
    }
}
