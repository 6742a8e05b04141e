package dev.rollback.examples.checkout.demo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What goes wrong in the new checkout path when the demo injects its regression. */
enum Regression {

    /** A share of the new path's calls throw ({@code --error-rate}). */
    ERRORS("errors"),
    /** Every call of the new path takes longer ({@code --added-latency}). */
    LATENCY("latency");

    private final String optionValue;

    Regression(String optionValue) {
        this.optionValue = optionValue;
    }

    /**
     * Returns how the kind is written on the command line and in the service's fault API.
     *
     * @return e.g. {@code errors}
     */
    String optionValue() {
        return optionValue;
    }

    /**
     * Returns the kind written as {@code value}.
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
     * Returns the kinds as written on the command line, separated by {@code |}.
     *
     * @return {@code errors|latency}
     */
    static String choices() {
        return Arrays.stream(values()).map(Regression::optionValue).collect(Collectors.joining("|"));
    }
}
