package dev.rollback.examples.checkout.demo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where the demo's service keeps its feature flags. */
enum FlagMode {

    /** In memory, on H2: nothing else needs to run. The demo sets the rollout through the service's demo API. */
    MEMORY("memory"),
    /**
     * In a real Unleash server, on PostgreSQL (the {@code postgres} and {@code unleash} profiles): the
     * demo sets the rollout through Unleash's admin API, as an operator would, and watches the kill
     * switch turn the flag off fleet-wide.
     */
    UNLEASH("unleash");

    private final String optionValue;

    FlagMode(String optionValue) {
        this.optionValue = optionValue;
    }

    /**
     * Returns how the mode is written on the command line.
     *
     * @return e.g. {@code memory}
     */
    String optionValue() {
        return optionValue;
    }

    /**
     * Returns the mode written as {@code value}.
     *
     * @param value e.g. {@code unleash}, in any case
     * @return the mode
     * @throws IllegalArgumentException if there is no such mode
     */
    static FlagMode fromOptionValue(String value) {
        for (FlagMode m : values()) {
            if (m.optionValue.equals(value.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown flag mode '" + value + "', expected one of " + choices());
    }

    /**
     * Returns the modes as written on the command line, separated by {@code |}.
     *
     * @return {@code memory|unleash}
     */
    static String choices() {
        return Arrays.stream(values()).map(FlagMode::optionValue).collect(Collectors.joining("|"));
    }
}
