package dev.rollback.core.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A rollback, as recorded in the {@code rollback_record} table.
 *
 * @param id                 the id, unique per rollback
 * @param deploymentRecordId the deployment during which it happened
 * @param rollbackTime       when it happened
 * @param reason             why, in words a person can act on
 * @param feature            the feature rolled back, or {@code null} for an instance rollback
 * @param scope              what it affected
 * @param actor              who acted: {@code judge}, {@code manual}, {@code agent}, ...
 */
public record RollbackRecord(String id, String deploymentRecordId, Instant rollbackTime, String reason,
                             String feature, RollbackScope scope, String actor) {

    /**
     * Checks that no component but {@code feature} is null.
     */
    public RollbackRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(deploymentRecordId, "deploymentRecordId");
        Objects.requireNonNull(rollbackTime, "rollbackTime");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(actor, "actor");
    }
}
