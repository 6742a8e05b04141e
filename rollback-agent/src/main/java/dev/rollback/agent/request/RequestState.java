package dev.rollback.agent.request;

/** Where a revert request stands. */
public enum RequestState {
    /** Waiting for its turn. */
    QUEUED,
    /** Being carried out. */
    RUNNING,
    /** Reverted. */
    SUCCEEDED,
    /** The revert was tried and failed, or the rollout did not complete. */
    FAILED,
    /** Nothing to do: the service already runs the target version. */
    SKIPPED,
    /** Checked only, in dry-run mode; nothing changed. */
    DRY_RUN,
    /** Cancelled while queued. */
    CANCELLED;

    /**
     * Whether the request has ended.
     *
     * @return {@code true} unless queued or running
     */
    public boolean terminal() {
        return this != QUEUED && this != RUNNING;
    }
}
