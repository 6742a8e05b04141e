package dev.rollback.liquibase;

/**
 * Where one expand/contract migration stands, as recorded in the phase table
 * ({@value dev.rollback.liquibase.ExpandContract#PHASE_TABLE}). A phase ending in {@code -ING} means a
 * step was started and not finished (the process died, or a step failed): running the same step
 * again finishes it, and every step is idempotent.
 */
public enum MigrationPhase {

    /** The expand step has started; finish it with {@code expand()} or undo it with {@code rollback()}. */
    EXPANDING,
    /** Expanded: old and new shape live side by side, kept in sync; both versions work. */
    EXPANDED,
    /** The contract step has started; finish it with {@code contract()}. */
    CONTRACTING,
    /** Contracted: only the new shape is left. Final. */
    CONTRACTED,
    /** The rollback step has started; finish it with {@code rollback()}. */
    ROLLING_BACK,
    /** Rolled back: the schema is the one the old version started with; values only the new version knew are archived. */
    ROLLED_BACK
}
