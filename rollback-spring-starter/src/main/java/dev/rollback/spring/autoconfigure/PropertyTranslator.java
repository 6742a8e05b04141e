package dev.rollback.spring.autoconfigure;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a value the library refuses ({@link IllegalArgumentException} or {@link NullPointerException}
 * from a builder) into an {@link InvalidRollbackPropertyException} that names the property and the
 * value; used wherever {@code rollback.*} properties reach a builder.
 */
final class PropertyTranslator {

    private PropertyTranslator() {
    }

    /** Returns {@code setter}, naming {@code property} and the value if it refuses the value. */
    static <T> Consumer<T> checked(String property, Consumer<T> setter) {
        return value -> check(property, value, () -> {
            setter.accept(value);
            return value;
        });
    }

    /** Runs {@code action}, naming the property and {@code value} if it refuses the value. */
    static <T> T check(String property, Object value, Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRollbackPropertyException(property, value, e.getMessage(), e);
        }
    }
}
