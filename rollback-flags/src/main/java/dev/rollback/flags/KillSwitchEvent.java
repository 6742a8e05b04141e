package dev.rollback.flags;

import dev.rollback.core.event.FeatureEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * What the fleet-wide kill switch did after a rollback, published through the registry's event
 * publisher.
 *
 * @param feature    the feature whose flag was to be turned off
 * @param time       when the outcome was known
 * @param outcome    how it went
 * @param attempts   how many requests were sent
 * @param httpStatus the last HTTP status, or 0 when no response came
 * @param detail     what happened, in words a person can act on (never the token)
 */
public record KillSwitchEvent(String feature, Instant time, Outcome outcome, int attempts, int httpStatus,
                              String detail) implements FeatureEvent {

    /** How a kill switch request ended. */
    public enum Outcome {
        /** The flag is off for the whole fleet. */
        TURNED_OFF,
        /** The admin API refused the token (401 or 403); not retried. */
        UNAUTHORIZED,
        /** Unleash has no such flag in the project or environment (404); not retried. */
        NOT_FOUND,
        /** Every attempt failed (5xx, timeout, connection refused), or another 4xx came back. */
        FAILED
    }

    /**
     * Checks that no component is null.
     */
    public KillSwitchEvent {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }
}
