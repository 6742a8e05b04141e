package dev.rollback.examples.plain;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The release guard without Spring, in one bounded run: a fake checkout service sends its orders
 * through the guard of {@code checkout-v2}, rolled out to half of its users; half-way through, the new
 * path regresses (more errors, or slower); the guard's judge sees it and rolls the feature back, while
 * every call is still answered, by the old path. The timeline is printed as it happens, then a summary:
 * the verdict and its statistics, calls by path and outcome, the health report and the ledger.
 *
 * <p>Run it from the repository root (a fresh clone is enough; nothing needs to be installed first):
 * <pre>{@code
 * ./mvnw -B -q -pl examples/plain-java -am process-classes -Pdemo
 * ./mvnw -B -q -pl examples/plain-java -am process-classes -Pdemo -Dexec.args="--regression=latency --seed=7"
 * }</pre>
 * {@code --help} lists the options. The run takes about ten seconds and at most
 * {@value DemoOptions#TIME_LIMIT_SECONDS} seconds of traffic.
 *
 * <p>The example is self-contained on purpose: it depends on {@code rollback-core} alone, so that it
 * can be copied out of this repository as it is. Its options, regression kinds and demo loop are
 * therefore its own, although the Spring Boot example's demo has ones of the same shape.
 */
public final class PlainJavaDemo {

    /** Exit status when the feature was rolled back after the regression and no caller saw a failure. */
    static final int EXIT_OK = 0;
    /** Exit status when the run did not show that (no rollback, a false alarm, or caller failures). */
    static final int EXIT_NOT_CONTAINED = 1;
    /** Exit status for a bad command line. */
    static final int EXIT_USAGE = 2;

    private PlainJavaDemo() {
    }

    /**
     * Runs the demo in real time and exits with a non-zero status if the options were bad (2) or the
     * regression was not contained (1).
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
     * Runs the demo in real time; what {@link #main(String[])} does, without exiting.
     *
     * @param args the options
     * @param out  where the timeline and the summary go
     * @param err  where errors and the usage after a bad option go
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(DemoOptions.USAGE);
            return EXIT_OK;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("PlainJavaDemo: " + e.getMessage());
            err.print(DemoOptions.USAGE);
            return EXIT_USAGE;
        }
        out.printf(Locale.ROOT, "rollback plain-java demo: regression=%s, requests=%,d, seed=%d, threads=%d%n",
                options.regression().optionValue(), options.requests(), options.seed(), options.threads());
        out.printf(Locale.ROOT, "old path checkoutV1 never fails, new path checkoutV2 fails %.1f%% of calls;"
                + " half-way: %s%n", 100 * CheckoutService.V2_ERROR_RATE,
                CheckoutService.describe(options.regression()));
        out.println();
        RunResult result = TrafficRun.realTime(options, out).run();
        Summary.print(result, out);
        return result.claimHolds() ? EXIT_OK : EXIT_NOT_CONTAINED;
    }
}
