package dev.rollback.liquibase;

import java.util.Objects;

/**
 * A change that would break the previous version of the service if run as it is.
 *
 * @param changeSet   the change set, as {@code path::id::author}
 * @param changeType  the offending change, e.g. {@code renameColumn}
 * @param problem     why it breaks the previous version
 * @param replacement the expand/contract change to use instead
 */
public record LintFinding(String changeSet, String changeType, String problem, String replacement) {

    /**
     * Checks that no component is null.
     *
     * @param changeSet   the change set, as {@code path::id::author}
     * @param changeType  the offending change
     * @param problem     why it breaks the previous version
     * @param replacement the expand/contract change to use instead
     */
    public LintFinding {
        Objects.requireNonNull(changeSet, "changeSet");
        Objects.requireNonNull(changeType, "changeType");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(replacement, "replacement");
    }

    /**
     * Returns the finding as one line: change set, change, problem and replacement.
     *
     * @return the line
     */
    @Override
    public String toString() {
        return "change set " + changeSet + ": " + changeType + " " + problem + "; use " + replacement;
    }
}
