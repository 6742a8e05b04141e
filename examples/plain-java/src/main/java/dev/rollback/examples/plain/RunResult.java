package dev.rollback.examples.plain;

import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.ledger.RollbackRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link TrafficRun} saw.
 *
 * @param options            what was asked for
 * @param requestsSent       requests sent (fewer than asked if the time limit came first)
 * @param elapsedMillis      how long the traffic ran
 * @param stoppedByTimeLimit whether the time limit ended the run before every request was sent
 * @param injectedAtRequest  the number of the first request after the regression, or -1 if never injected
 * @param injectedAtMillis   when the regression was injected, since the start, or -1
 * @param rollback           the rollback event, or {@code null} if the feature was not rolled back
 * @param rollbackAtMillis   when the rollback happened, since the start, or -1
 * @param rollbackAtRequest  how many requests had been sent when the rollback happened, or -1
 * @param rollbackAfterInjection whether the regression had been injected when the rollback happened
 * @param callerFailures     exceptions that reached the caller of {@code guard.call}
 * @param phases             the demo's own counts, by phase
 * @param calls              the guard's {@code rollback.calls} timers, read before the registry closed
 * @param finalState         the guard's state at the end
 * @param flagShare          the flag's rollout share at the end, in percent
 * @param healthJson         the registry's health report at the end
 * @param deploymentId       this run's deployment record id
 * @param ledgerRollbacks    the rollback records of the deployment, read from the ledger after close
 */
record RunResult(DemoOptions options, long requestsSent, long elapsedMillis, boolean stoppedByTimeLimit,
                 long injectedAtRequest, long injectedAtMillis, RollbackEvent rollback, long rollbackAtMillis,
                 long rollbackAtRequest, boolean rollbackAfterInjection, long callerFailures,
                 Map<Phase, PhaseCounts> phases, List<CallCount> calls, GuardState finalState, int flagShare,
                 String healthJson, String deploymentId, List<RollbackRecord> ledgerRollbacks) {

    /**
     * Copies the collections.
     */
    RunResult {
        phases = Map.copyOf(phases);
        calls = List.copyOf(calls);
        ledgerRollbacks = List.copyOf(ledgerRollbacks);
    }

    /**
     * Returns the rollback event, if the feature was rolled back.
     *
     * @return the event, or empty
     */
    Optional<RollbackEvent> findRollback() {
        return Optional.ofNullable(rollback);
    }

    /**
     * Returns whether the feature was rolled back after the regression was injected (and not before:
     * that would be a false alarm).
     *
     * @return whether
     */
    boolean rolledBackAfterInjection() {
        return rollback != null && rollbackAfterInjection;
    }

    /**
     * Returns whether the demo's claim holds: the regression was rolled back and no caller saw a failure.
     *
     * @return whether
     */
    boolean claimHolds() {
        return rolledBackAfterInjection() && callerFailures == 0;
    }

    /** Where a request falls in the run, decided when it starts. */
    enum Phase {
        /** Before the regression was injected. */
        BEFORE_REGRESSION("before the regression"),
        /** After the regression, before the rollback. */
        REGRESSED("regression, not yet rolled back"),
        /** After the rollback. */
        ROLLED_BACK("after the rollback");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        /**
         * Returns the phase in words.
         *
         * @return the label
         */
        String label() {
            return label;
        }
    }

    /**
     * The demo's own counts of the requests of one phase, taken around {@code guard.call}.
     *
     * @param requests       requests started in the phase
     * @param newPathRan     of them, calls whose new path ran
     * @param newPathFailed  of those, calls whose new path threw (the old path then answered)
     * @param oldPathAnswered calls the old path answered: the flag said old path, the feature was rolled
     *                        back, the breaker refused, or the new path failed
     * @param callerFailures calls that threw at the caller
     * @param totalNanos     the callers' total time, for the mean
     */
    record PhaseCounts(long requests, long newPathRan, long newPathFailed, long oldPathAnswered, long callerFailures,
                       long totalNanos) {

        /**
         * Returns the mean latency that callers saw.
         *
         * @return milliseconds, 0 without requests
         */
        double meanMillis() {
            return requests == 0 ? 0 : totalNanos / 1e6 / requests;
        }
    }

    /**
     * One {@code rollback.calls} timer of the guard.
     *
     * @param path       {@code new} or {@code old}
     * @param outcome    {@code success}, {@code failure} or {@code fallback}
     * @param count      calls
     * @param meanMillis their mean duration
     */
    record CallCount(String path, String outcome, long count, double meanMillis) {
    }
}
