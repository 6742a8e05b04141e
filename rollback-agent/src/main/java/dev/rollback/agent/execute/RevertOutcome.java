package dev.rollback.agent.execute;

import dev.rollback.agent.request.RequestState;
import java.util.Objects;

/**
 * How a revert ended.
 *
 * @param state  {@code SUCCEEDED}, {@code FAILED}, {@code SKIPPED} or {@code DRY_RUN}
 * @param detail what happened, in words a person can act on
 */
public record RevertOutcome(RequestState state, String detail) {

    /**
     * Checks that the state ends a request.
     */
    public RevertOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        if (!state.terminal() || state == RequestState.CANCELLED) {
            throw new IllegalArgumentException("state: " + state + " is not an outcome of a revert");
        }
    }

    /**
     * A revert that worked.
     *
     * @param detail what happened
     * @return the outcome
     */
    public static RevertOutcome succeeded(String detail) {
        return new RevertOutcome(RequestState.SUCCEEDED, detail);
    }

    /**
     * A revert that failed.
     *
     * @param detail what went wrong
     * @return the outcome
     */
    public static RevertOutcome failed(String detail) {
        return new RevertOutcome(RequestState.FAILED, detail);
    }
}
