package dev.rollback.core.ledger;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A rollback, as recorded in the {@code rollback_record} table.
 *
 * @param id                 the id, unique per rollback
 * @param deploymentRecordId the deployment during which it happened
 * @param rollbackTime       when it happened
 * @param reason             why, in words a person can act on
 * @param feature            the feature rolled back, or {@code null} for an instance rollback
 * @param scope              what it affected
 * @param actor              who acted: one of {@link dev.rollback.core.event.RollbackActors}
 *                           ({@code judge}, {@code manual}, {@code circuit-breaker},
 *                           {@code unleash-kill-switch}, {@code agent}), or
 *                           the name an integration of its own records
 * @param trigger            what set it off, e.g. {@code health}, {@code alert}, {@code manual}; or
 *                           {@code null} when the actor says it all
 * @param fromVersion        for an instance rollback, the version it left; otherwise {@code null}
 * @param toVersion          for an instance rollback, the version it went back to; otherwise
 *                           {@code null}
 * @param outcome            for a rollback carried out by another system, how it ended: the agent's
 *                           instance revert, or the fleet-wide kill switch that a feature rollback
 *                           set off (recorded on the feature rollback's own record, see
 *                           {@link RollbackLedger#recordOutcome(String, RollbackOutcome)});
 *                           {@code null} while not known, or when it took effect as it was recorded
 */
public record RollbackRecord(String id, String deploymentRecordId, Instant rollbackTime, String reason,
                             @Nullable String feature, RollbackScope scope, String actor, @Nullable String trigger,
                             @Nullable String fromVersion, @Nullable String toVersion,
                             @Nullable RollbackOutcome outcome) {

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
                          @Nullable String feature, RollbackScope scope, String actor) {
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
     * Returns this record with another outcome.
     *
     * @param newOutcome how the rollback ended
     * @return the record with that outcome
     */
    public RollbackRecord withOutcome(RollbackOutcome newOutcome) {
        return new RollbackRecord(id, deploymentRecordId, rollbackTime, reason, feature, scope, actor, trigger,
                fromVersion, toVersion, Objects.requireNonNull(newOutcome, "outcome"));
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
                LedgerText.escape(trigger), LedgerText.escape(fromVersion), LedgerText.escape(toVersion), outcome);
        return escaped.equals(this) ? this : escaped;
    }
}
