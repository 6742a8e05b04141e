package dev.rollback.core.event;

import dev.rollback.core.guard.GuardState;
import java.time.Instant;
import java.util.Objects;

/**
 * A feature's {@link GuardState} changed on this instance.
 *
 * @param feature the feature
 * @param from    the state before
 * @param to      the state after
 * @param time    when
 * @param reason  why, e.g. {@code flag turned on}, or the rollback's reason
 */
public record StateTransitionEvent(String feature, GuardState from, GuardState to, Instant time, String reason)
        implements FeatureEvent {

    /**
     * Checks that no component is null.
     */
    public StateTransitionEvent {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
    }
}
