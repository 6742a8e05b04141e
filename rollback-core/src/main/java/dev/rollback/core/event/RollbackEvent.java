package dev.rollback.core.event;

import dev.rollback.core.judge.Evidence;
import dev.rollback.core.ledger.RollbackScope;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A feature was rolled back, or, when it has no old path, its instance asks to be reverted.
 *
 * @param feature  the feature
 * @param reason   why, in words a person can act on
 * @param time     when
 * @param scope    {@link RollbackScope#FEATURE}, or {@link RollbackScope#INSTANCE} when the feature has
 *                 no old path and the instance must be reverted
 * @param actor    who decided: {@link RollbackActors#JUDGE}, {@link RollbackActors#MANUAL} or
 *                 {@link RollbackActors#CIRCUIT_BREAKER}
 * @param evidence what the judge saw, or {@code null} when the judge did not decide
 * @param recordId the id of the rollback's one record in the ledger: what a system that carries the
 *                 rollback further (the fleet-wide kill switch) passes to
 *                 {@link dev.rollback.core.RollbackRegistry#recordOutcome(String, dev.rollback.core.ledger.RollbackOutcome)}
 */
public record RollbackEvent(String feature, String reason, Instant time, RollbackScope scope, String actor,
                            @Nullable Evidence evidence, String recordId) implements FeatureEvent {

    /**
     * Checks that no component but {@code evidence} is null.
     */
    public RollbackEvent {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(actor, "actor");
    }

    /**
     * Creates an event with a new random {@linkplain #recordId() record id}.
     *
     * @param feature  the feature
     * @param reason   why, in words a person can act on
     * @param time     when
     * @param scope    what the rollback affects
     * @param actor    who decided
     * @param evidence what the judge saw, or {@code null} when the judge did not decide
     */
    public RollbackEvent(String feature, String reason, Instant time, RollbackScope scope, String actor,
                         @Nullable Evidence evidence) {
        this(feature, reason, time, scope, actor, evidence, UUID.randomUUID().toString());
    }

    /**
     * Returns the evidence, if the judge decided.
     *
     * @return the evidence, or empty for a manual rollback
     */
    public Optional<Evidence> findEvidence() {
        return Optional.ofNullable(evidence);
    }
}
