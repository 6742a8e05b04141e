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
 * @param trigger            what set it off, e.g. {@code health}, {@code alert}, {@code manual}; or
 *                           {@code null} when the actor says it all
 * @param fromVersion        for an instance rollback, the version it left; otherwise {@code null}
 * @param toVersion          for an instance rollback, the version it went back to; otherwise
 *                           {@code null}
 * @param outcome            for a rollback carried out by another system (an instance revert, a
 *                           fleet-wide flag change), how it ended, e.g. {@code SUCCEEDED} or
 *                           {@code FAILED}; {@code null} when it took effect as it was recorded
 */
public record RollbackRecord(String id, String deploymentRecordId, Instant rollbackTime, String reason,
                             String feature, RollbackScope scope, String actor, String trigger,
                             String fromVersion, String toVersion, String outcome) {

    /**
     * A rollback that took effect as it was recorded, with no trigger, versions or outcome of its
     * own: a feature rolled back on this instance.
     *
     * @param id                 the id, unique per rollback
     * @param deploymentRecordId the deployment during which it happened
     * @param rollbackTime       when it happened
     * @param reason             why, in words a person can act on
     * @param feature            the feature rolled back, or {@code null} for an instance rollback
     * @param scope              what it affected
     * @param actor              who acted
     */
    public RollbackRecord(String id, String deploymentRecordId, Instant rollbackTime, String reason,
                          String feature, RollbackScope scope, String actor) {
        this(id, deploymentRecordId, rollbackTime, reason, feature, scope, actor, null, null, null, null);
    }

    /**
     * Checks that {@code id}, {@code deploymentRecordId}, {@code rollbackTime}, {@code reason},
     * {@code scope} and {@code actor} are not null.
     */
    public RollbackRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(deploymentRecordId, "deploymentRecordId");
        Objects.requireNonNull(rollbackTime, "rollbackTime");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(actor, "actor");
    }

    /**
     * Returns this record with every text but its ids {@linkplain LedgerText#escape(String) escaped}: what a
     * writer tries once when the database refused the record as it was, e.g. PostgreSQL a NUL
     * character in its reason. Escaping is lossless, so the escaped record says all the original did.
     *
     * @return the escaped record; this record if there was nothing to escape
     */
    public RollbackRecord escaped() {
        RollbackRecord escaped = new RollbackRecord(id, deploymentRecordId,
                rollbackTime, LedgerText.escape(reason), LedgerText.escape(feature), scope, LedgerText.escape(actor),
                LedgerText.escape(trigger), LedgerText.escape(fromVersion), LedgerText.escape(toVersion),
                LedgerText.escape(outcome));
        return escaped.equals(this) ? this : escaped;
    }
}
