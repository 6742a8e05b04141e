package dev.rollback.examples.checkout.demo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A choice of the demo's command line, written as its {@link #optionValue()} (e.g. {@code --flags=unleash}). */
interface OptionValue {

    /**
     * Returns how the choice is written on the command line.
     *
     * @return e.g. {@code unleash}
     */
    String optionValue();

    /**
     * Returns the choice written as {@code value}.
     *
     * @param <E>    the choices' type
     * @param values every choice
     * @param what   what is chosen, for the message, e.g. {@code flag mode}
     * @param value  as written, in any case
     * @return the choice
     * @throws IllegalArgumentException naming the value and the choices if there is no such choice
     */
    static <E extends OptionValue> E parse(E[] values, String what, String value) {
        for (E e : values) {
            if (e.optionValue().equals(value.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + value + "', expected one of " + choices(values));
    }

    /**
     * Returns the choices as written on the command line, separated by {@code |}.
     *
     * @param values every choice
     * @return e.g. {@code memory|unleash}
     */
    static String choices(OptionValue[] values) {
        return Arrays.stream(values).map(OptionValue::optionValue).collect(Collectors.joining("|"));
    }
}
