package dev.rollback.liquibase;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The safety lint found changes that would break the previous version; nothing was run.
 */
public final class LintException extends MigrationException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final transient List<LintFinding> findings;

    /**
     * Creates the exception.
     *
     * @param findings what the lint found, at least one
     */
    public LintException(List<LintFinding> findings) {
        super(findings.get(0).changeSet(), findings.size() + " change(s) would break the running version: "
                + findings.stream().map(LintFinding::toString).collect(Collectors.joining("; "))
                + ". Nothing was run: replace them with the expand/contract change types, or set lint to WARN.",
                null);
        this.findings = List.copyOf(findings);
    }

    /**
     * Returns what the lint found.
     *
     * @return the findings, at least one
     */
    public List<LintFinding> findings() {
        return findings;
    }
}
