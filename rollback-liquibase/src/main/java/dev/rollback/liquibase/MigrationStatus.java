package dev.rollback.liquibase;

import java.time.Instant;
import java.util.Objects;

/**
 * One expand/contract migration as recorded in the phase table.
 *
 * @param id             the migration: change log path, change set id and author, and the change's index in it
 * @param changeSet      the change set, as {@code path::id::author}
 * @param changeType     the change type, e.g. {@code expandRenameColumn}
 * @param tableName      the table it changes
 * @param phase          where it stands
 * @param serviceVersion the service version that expanded it, or null if not known
 * @param expandedAt     when its expand finished, or null if it has not
 * @param updatedAt      when its phase last changed
 */
public record MigrationStatus(String id, String changeSet, String changeType, String tableName, MigrationPhase phase,
                              String serviceVersion, Instant expandedAt, Instant updatedAt) {

    /**
     * Checks that the required components are present.
     *
     * @param id             the migration
     * @param changeSet      the change set
     * @param changeType     the change type
     * @param tableName      the table
     * @param phase          where it stands
     * @param serviceVersion the version that expanded it, or null
     * @param expandedAt     when its expand finished, or null
     * @param updatedAt      when its phase last changed
     */
    public MigrationStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(changeSet, "changeSet");
        Objects.requireNonNull(changeType, "changeType");
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * What to run next for this migration, in words for the person who reads {@code status}.
     *
     * @return the next command, see {@link MigrationPhase#nextStep()}
     */
    public String nextStep() {
        return phase.nextStep();
    }
}
