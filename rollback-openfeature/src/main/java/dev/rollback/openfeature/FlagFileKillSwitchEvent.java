package dev.rollback.openfeature;

import dev.rollback.core.event.FeatureEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * What the flag file kill switch did after a rollback, published through the registry's event
 * publisher, as the Unleash kill switch publishes its own.
 *
 * @param feature the feature whose flag was to be turned off
 * @param time    when the outcome was known
 * @param outcome how it went
 * @param file    the flag file
 * @param detail  what happened, in words a person can act on
 */
public record FlagFileKillSwitchEvent(String feature, Instant time, Outcome outcome, String file, String detail)
        implements FeatureEvent {

    /** How a kill switch write ended. */
    public enum Outcome {
        /** The flag is off in the file for every instance that reads it. */
        TURNED_OFF,
        /** The file has no such flag; nothing was written. */
        NOT_FOUND,
        /** The file could not be read, parsed or replaced. */
        FAILED
    }

    /**
     * Checks that no component is null.
     */
    public FlagFileKillSwitchEvent {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(detail, "detail");
    }
}
