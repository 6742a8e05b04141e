package dev.rollback.examples.checkout.demo;

import java.util.List;

/**
 * Everything one run of the demo saw, for the summary, the report and the exit status.
 *
 * @param options        what was asked for
 * @param client         what the demo's client saw
 * @param server         the service's own counts, per scrape interval
 * @param timeline       what happened, ordered by time
 * @param rolloutMillis  when the new path was switched on, since the traffic started
 * @param onsetMillis    when the regression was injected
 * @param rollbackMillis when the feature was rolled back, or -1 if it was not
 * @param verdict        the verdict in words, or empty
 * @param finalState     the feature's state at the end, as the service reported it
 */
record RunResult(DemoOptions options, ClientStats client, List<ServerSeries.Interval> server,
                 List<Timeline.Entry> timeline, long rolloutMillis, long onsetMillis, long rollbackMillis,
                 String verdict, String finalState) {

    /**
     * Returns whether the run showed what the demo claims: the feature was rolled back after the
     * regression started, and no request failed for the client.
     *
     * @return whether the claim holds
     */
    boolean claimHolds() {
        return rollbackMillis >= onsetMillis && client.failures() == 0 && client.total() > 0;
    }
}
