package dev.rollback.core.event;

/**
 * Who acts on a rollback: the values of {@link RollbackEvent#actor()} and of a ledger record's
 * {@link dev.rollback.core.ledger.RollbackRecord#actor() actor}, and the {@code actor} tag of
 * {@link dev.rollback.core.metrics.RollbackMetricNames#ROLLBACKS}.
 *
 * <p>Constants rather than an enum: the ledger column is shared by every writer (this library's
 * modules, an integration of the user's own), so a reader must accept an actor it does not know.
 */
public final class RollbackActors {

    /** The judge: a significant regression of the new path against the old one. */
    public static final String JUDGE = "judge";
    /** A person, through {@link dev.rollback.core.guard.ReleaseGuard#rollback(String)}. */
    public static final String MANUAL = "manual";
    /** The circuit breaker of a feature without an old path (the instance asks to be reverted). */
    public static final String CIRCUIT_BREAKER = "circuit-breaker";
    /** The fleet-wide kill switch that turns a feature's flag off in Unleash. */
    public static final String UNLEASH_KILL_SWITCH = "unleash-kill-switch";
    /** The kill switch that turns a feature's flag off in a shared flagd flag file (rollback-openfeature). */
    public static final String FLAGD_FILE_KILL_SWITCH = "flagd-file-kill-switch";
    /**
     * The fleet judge, on the pooled evidence of every instance. The registry does not record such a
     * rollback itself: the fleet records it once for all instances.
     */
    public static final String FLEET_JUDGE = "fleet-judge";
    /** The agent, which reverts whole instances to their previous version. */
    public static final String AGENT = "agent";

    private RollbackActors() {
    }
}
