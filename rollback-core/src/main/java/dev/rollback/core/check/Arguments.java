package dev.rollback.core.check;

import java.time.Duration;

/**
 * The checks that every builder of the library makes on its arguments, with messages that name the
 * setting and the bad value.
 */
public final class Arguments {

    private Arguments() {
    }

    /**
     * Returns {@code value} if it is neither null nor blank.
     *
     * @param name  the setting, for the message
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException naming the setting and the value otherwise
     */
    public static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be null or blank, was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /**
     * Returns {@code value} if it is a positive duration.
     *
     * @param name  the setting, for the message
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException naming the setting and the value otherwise
     */
    public static Duration requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
        }
        return value;
    }

    /**
     * Checks the pauses of an exponential backoff: both positive, the longest not shorter than the first.
     *
     * @param initialName the first pause's setting
     * @param initial     the first pause
     * @param maximumName the longest pause's setting
     * @param maximum     the longest pause
     * @throws IllegalArgumentException naming the setting and the value
     */
    public static void requireBackoff(String initialName, Duration initial, String maximumName, Duration maximum) {
        requirePositive(initialName, initial);
        requirePositive(maximumName, maximum);
        if (maximum.compareTo(initial) < 0) {
            throw new IllegalArgumentException(maximumName + " (" + maximum + ") must not be shorter than "
                    + initialName + " (" + initial + ")");
        }
    }
}
