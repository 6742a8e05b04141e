package dev.rollback.core.event;

import dev.rollback.core.judge.Evidence;
import dev.rollback.core.ledger.RollbackScope;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A feature was rolled back, or, when it has no old path, its instance asks to be reverted.
 *
 * @param feature  the feature
 * @param reason   why, in words a person can act on
 * @param time     when
 * @param scope    {@link RollbackScope#FEATURE}, or {@link RollbackScope#INSTANCE} when the feature has
 *                 no old path and the instance must be reverted
 * @param actor    who decided: {@code judge} or {@code manual}
 * @param evidence what the judge saw, or {@code null} for a manual rollback
 */
public record RollbackEvent(String feature, String reason, Instant time, RollbackScope scope, String actor,
                            Evidence evidence) implements FeatureEvent {

    /**
     * Checks that no component but {@code evidence} is null.
     */
    public RollbackEvent {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(actor, "actor");
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
