package dev.rollback.examples.plain;

import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.metrics.RollbackMetricNames;
import dev.rollback.examples.plain.RunResult.CallCount;
import dev.rollback.examples.plain.RunResult.Phase;
import dev.rollback.examples.plain.RunResult.PhaseCounts;
import java.io.PrintStream;
import java.util.Locale;

/** Prints the summary of a {@link RunResult}, after the timeline. */
final class Summary {

    private Summary() {
    }

    /**
     * Prints the summary.
     *
     * @param r   the result
     * @param out where it goes
     */
    static void print(RunResult r, PrintStream out) {
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  requests         %,d in %,d ms on %d thread(s)%s%n", r.requestsSent(),
                r.elapsedMillis(), r.options().threads(), r.stoppedByTimeLimit() ? " (time limit reached)" : "");
        out.printf(Locale.ROOT, "  regression       %s%n", r.injectedAtRequest() < 0 ? "never injected"
                : String.format(Locale.ROOT, "%s, injected at %,d ms, request #%,d",
                        r.options().regression().optionValue(), r.injectedAtMillis(), r.injectedAtRequest()));
        out.printf(Locale.ROOT, "  rollback         %s%n", r.findRollback().map(e -> String.format(Locale.ROOT,
                "by %s at %,d ms, after %,d requests%s", e.actor(), r.rollbackAtMillis(),
                r.rollbackAtRequest(), afterInjection(r)))
                .orElse("none"));
        out.printf(Locale.ROOT, "  final state      %s, flag %s at %d%%%n", r.finalState(), TrafficRun.FEATURE,
                r.flagShare());
        out.printf(Locale.ROOT, "  caller failures  %,d (exceptions caught around guard.call)%n", r.callerFailures());

        out.println();
        out.println("  What callers saw, by phase (the demo's own counts around guard.call)");
        out.printf(Locale.ROOT, "    %-32s %9s %13s %16s %18s %16s %8s%n", "phase", "requests", "new path ran",
                "new path failed", "old path answered", "caller failures", "mean ms");
        for (Phase phase : Phase.values()) {
            PhaseCounts c = r.phases().get(phase);
            out.printf(Locale.ROOT, "    %-32s %,9d %,13d %,16d %,18d %,16d %8.3f%n", phase.label(), c.requests(),
                    c.newPathRan(), c.newPathFailed(), c.oldPathAnswered(), c.callerFailures(), c.meanMillis());
        }

        out.println();
        out.printf(Locale.ROOT, "  Guarded calls by path and outcome (meter %s, %s=%s)%n", RollbackMetricNames.CALLS,
                RollbackMetricNames.TAG_FEATURE, TrafficRun.FEATURE);
        out.printf(Locale.ROOT, "    %-6s %-10s %9s %9s%n", "path", "outcome", "count", "mean ms");
        long answered = 0;
        for (CallCount c : r.calls()) {
            out.printf(Locale.ROOT, "    %-6s %-10s %,9d %9.3f%n", c.path(), c.outcome(), c.count(), c.meanMillis());
            if (!(c.path().equals("new") && c.outcome().equals("failure"))) {
                answered += c.count();
            }
        }
        // A fallback call appears twice, as new/failure and as old/fallback; every request is answered once.
        out.printf(Locale.ROOT, "    %-17s %,9d   %s%n", "answered", answered, answered == r.requestsSent()
                ? "= requests sent (new/failure calls were answered as old/fallback)"
                : String.format(Locale.ROOT, "!= %,d requests sent", r.requestsSent()));

        out.println();
        out.println("  Health report at the end");
        out.println("    " + r.healthJson());

        out.println();
        out.printf(Locale.ROOT, "  Ledger: rollback records of deployment %s (read after close)%n", r.deploymentId());
        if (r.ledgerRollbacks().isEmpty()) {
            out.println("    none");
        }
        for (RollbackRecord record : r.ledgerRollbacks()) {
            out.printf(Locale.ROOT, "    %s  %s  scope %s  actor %s%n", record.rollbackTime(), record.feature(),
                    record.scope(), record.actor());
            out.printf(Locale.ROOT, "      %s%n", record.reason());
        }

        out.println();
        out.println(verdict(r));
    }

    /**
     * Returns the run's outcome in one line.
     *
     * @param r the result
     * @return e.g. {@code OK: checkout-v2 was rolled back ...}
     */
    static String verdict(RunResult r) {
        if (r.claimHolds()) {
            return String.format(Locale.ROOT, "OK: %s was rolled back %,d requests after the regression, and no"
                    + " caller saw a failed call.", TrafficRun.FEATURE, r.rollbackAtRequest() - r.injectedAtRequest());
        }
        StringBuilder why = new StringBuilder("NOT OK:");
        if (r.rollback() == null) {
            why.append(" ").append(TrafficRun.FEATURE).append(" was not rolled back")
                    .append(r.injectedAtRequest() < 0 ? " (the regression was never injected)"
                            : " (too few requests after the regression for a verdict? try more --requests)")
                    .append(';');
        } else if (!r.rolledBackAfterInjection()) {
            why.append(" ").append(TrafficRun.FEATURE)
                    .append(" was rolled back before the regression (a false alarm);");
        }
        if (r.callerFailures() > 0) {
            why.append(String.format(Locale.ROOT, " %,d calls failed for their caller;", r.callerFailures()));
        }
        return why.substring(0, why.length() - 1) + ".";
    }

    private static String afterInjection(RunResult r) {
        return r.rolledBackAfterInjection() ? String.format(Locale.ROOT, ", %,d requests after the regression",
                r.rollbackAtRequest() - r.injectedAtRequest()) : ", BEFORE the regression";
    }
}
