package dev.rollback.core.health;

/**
 * How an instance stands, worst last.
 */
public enum HealthStatus {
    /** No feature is rolled back. */
    UP,
    /** At least one feature is rolled back; the old paths serve, the instance is fine. */
    DEGRADED,
    /**
     * A regression could not be contained in the process (a feature without an old path regressed):
     * the instance asks to be reverted to the previous version.
     */
    ROLLBACK_REQUESTED
}
