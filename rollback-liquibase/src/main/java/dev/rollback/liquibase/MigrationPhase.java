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
    ROLLED_BACK;

    /**
     * What to run next from this phase, in words for the person who reads {@code status}.
     *
     * @return the next command and why, e.g. "its expand was interrupted: run expand again to finish it,
     *         or rollback to undo it"
     */
    public String nextStep() {
        return switch (this) {
            case EXPANDING -> "its expand was interrupted (or is running): run expand again to finish it, or rollback to"
                    + " undo it; contract is refused until then";
            case EXPANDED -> "both versions work: run contract once the new version is confirmed, or rollback if it is"
                    + " rolled back";
            case CONTRACTING -> "its contract was interrupted (or is running): run contract again to finish it;"
                    + " rollback is refused, since contract dropped the previous version's schema first";
            case CONTRACTED -> "done: nothing left to run";
            case ROLLING_BACK -> "its rollback was interrupted (or is running): run rollback again to finish it, then"
                    + " expand if the new version is to run again";
            case ROLLED_BACK -> "the old version's schema is back: run expand to expand it again (what was archived is"
                    + " restored)";
        };
    }
}
