package dev.rollback.core.ledger;

/**
 * How a rollback carried out by another system ended: the fleet-wide kill switch for a feature
 * rollback, the agent for an instance revert. Recorded as the rollback record's
 * {@link RollbackRecord#outcome() outcome}; a record has none while the outcome is not known, or
 * when the rollback took effect as it was recorded.
 *
 * <p>It lives beside the record it types rather than in {@code event/} with
 * {@link dev.rollback.core.event.RollbackActors}: events already depend on the ledger's
 * {@link RollbackScope}, and the core keeps its packages free of cycles.
 */
public enum RollbackOutcome {
    /** Done: the flag is off for the whole fleet, or the instance runs its previous version. */
    SUCCEEDED,
    /** Tried and failed: the flag is still on elsewhere, or the revert did not complete. */
    FAILED,
    /** Nothing to do: the instance already ran the target version. */
    SKIPPED,
    /** Withdrawn before it was carried out. */
    CANCELLED
}
