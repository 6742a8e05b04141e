package dev.rollback.examples.checkout.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs of the demo made up in memory, with the shape of a real one, for the report's tests. */
final class ReportFixtures {

    private static final int SECONDS = 40;

    private ReportFixtures() {
    }

    /** A run in which the new path's errors rise at 16 s and the feature is rolled back at 18.5 s. */
    static RunResult rolledBack() {
        return run(18_500);
    }

    /** The same run, but nothing was rolled back. */
    static RunResult notRolledBack() {
        return run(-1);
    }

    private static RunResult run(long rollbackMillis) {
        DemoOptions options = DemoOptions.parse(Path.of("target"));
        ClientStats client = new ClientStats(SECONDS + 1);
        List<ServerSeries.Interval> server = new ArrayList<>();
        boolean rolledBack = rollbackMillis >= 0;
        for (int s = 0; s < SECONDS; s++) {
            boolean newPathOn = s >= 4 && !(rolledBack && s * 1000L >= rollbackMillis);
            boolean regressed = s >= 16;
            for (int i = 0; i < 150; i++) {
                boolean v2 = newPathOn && i % 2 == 0;
                client.record(s * 1000L + i, v2 ? ClientStats.Answer.V2 : ClientStats.Answer.V1,
                        v2 ? 6_000 + 80L * (i % 10) : 5_000 + 60L * (i % 10), null);
            }
            server.add(new ServerSeries.Interval(s * 1000L, (s + 1) * 1000L, newPathOn ? 75 : 0,
                    newPathOn ? (regressed ? 0.1 : 0.0) : Double.NaN, newPathOn ? 75 : 150, 0.0,
                    newPathOn && regressed ? 7 : 0));
        }
        List<Timeline.Entry> timeline = List.of(
                new Timeline.Entry(0, "traffic starts", "150 requests/s for 40 s", "client"),
                new Timeline.Entry(4_000, "rollout", "checkout-v2 on for 50% of users", "demo"),
                new Timeline.Entry(16_000, "regression onset", "errors: 10% of new-path calls fail", "demo"));
        return new RunResult(options, client, server, timeline, 4_000, 16_000, rollbackMillis,
                rolledBack ? "by judge, error_rate: error rate 2.1% (n=718) vs 0.00% (n=1171)" : "",
                rolledBack ? "ROLLED_BACK" : "ROLLING_OUT", null);
    }
}
