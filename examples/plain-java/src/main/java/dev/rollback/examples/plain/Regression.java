package dev.rollback.examples.plain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kind of regression the demo injects into the new path half-way through. */
enum Regression {

    /**
     * The new path's error rate jumps from {@link CheckoutService#V2_ERROR_RATE} to
     * {@link CheckoutService#V2_REGRESSED_ERROR_RATE}.
     */
    ERRORS("errors"),
    /** The new path becomes {@link CheckoutService#V2_REGRESSED_SLOWDOWN} times slower. */
    LATENCY("latency");

    private final String optionValue;

    Regression(String optionValue) {
        this.optionValue = optionValue;
    }

    /**
     * Returns how the kind is written on the command line.
     *
     * @return e.g. {@code errors}
     */
    String optionValue() {
        return optionValue;
    }

    /**
     * Returns the kind written as {@code value} on the command line.
     *
     * @param value e.g. {@code latency}, in any case
     * @return the kind
     * @throws IllegalArgumentException if there is no such kind
     */
    static Regression fromOptionValue(String value) {
        for (Regression r : values()) {
            if (r.optionValue.equals(value.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown regression kind '" + value + "', expected one of " + choices());
    }

    /**
     * Returns the kinds as they are written on the command line, separated by {@code |}.
     *
     * @return e.g. {@code errors|latency}
     */
    static String choices() {
        return Arrays.stream(values()).map(Regression::optionValue).collect(Collectors.joining("|"));
    }
}
