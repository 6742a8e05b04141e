package dev.rollback.examples.checkout.demo;

import java.util.List;
import java.util.Locale;

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
 * @param fleet          with {@code --instances} above 1, what the fleet did; {@code null} for one instance
 */
record RunResult(DemoOptions options, ClientStats client, List<ServerSeries.Interval> server,
                 List<Timeline.Entry> timeline, long rolloutMillis, long onsetMillis, long rollbackMillis,
                 String verdict, String finalState, Fleet fleet) {

    /**
     * What a fleet of instances did, for {@code --instances=N} with N above 1.
     *
     * @param instances     how many instances served the traffic
     * @param verdict       whether the fleet judge reached a verdict
     * @param onOldPath     how many instances took the old path (their feature rolled back) by the end
     * @param byFleetJudge  how many of them were rolled back by the fleet judge
     * @param ledgerRecords how many {@code FLEET} rollbacks of the feature the ledger recorded during the run
     * @param allOnOldPathMillis when the last instance took the old path, since the traffic started, or -1
     */
    record Fleet(int instances, boolean verdict, int onOldPath, int byFleetJudge, long ledgerRecords,
                 long allOnOldPathMillis) {

        /** @return whether the fleet verdict rolled the feature back on every instance, recorded once */
        boolean holds() {
            return verdict && onOldPath == instances && ledgerRecords == 1;
        }

        /** @return the outcome in words */
        String describe() {
            return String.format(Locale.ROOT, "fleet verdict %s; %d of %d instances on the old path (%d by the fleet"
                    + " judge); %d FLEET rollback(s) in the ledger", verdict ? "reached" : "NOT reached", onOldPath,
                    instances, byFleetJudge, ledgerRecords);
        }
    }

    /**
     * Returns whether the run showed what the demo claims: the feature was rolled back after the
     * regression started, and no request failed for the client; with several instances, also that the
     * fleet verdict rolled it back on all of them and was recorded once.
     *
     * @return whether the claim holds
     */
    boolean claimHolds() {
        return rollbackMillis >= onsetMillis && client.failures() == 0 && client.total() > 0
                && (fleet == null || fleet.holds());
    }
}
