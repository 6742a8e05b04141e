package dev.rollback.liquibase;

/**
 * What the safety lint does with a change that would break the previous version when run outside
 * expand/contract.
 */
public enum LintMode {

    /** Refuse to update: throw a {@link LintException} naming every offending change set. The default. */
    FAIL,
    /** Log each finding as a warning and update anyway. */
    WARN,
    /** Do not lint. */
    OFF
}
