package dev.rollback.spring.autoconfigure;

import java.util.Objects;

/**
 * A {@code rollback.*} property has a value the library refuses; start-up fails, and Spring Boot's
 * failure analysis ({@link RollbackFailureAnalyzers.InvalidProperty}) names the property and the value.
 */
public final class InvalidRollbackPropertyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;

    /**
     * Creates the exception.
     *
     * @param property the property, e.g. {@code rollback.guard.significance-level}
     * @param value    the refused value
     * @param why      why it is refused, e.g. the core's message
     * @param cause    the core's exception, or {@code null}
     */
    public InvalidRollbackPropertyException(String property, Object value, String why, Throwable cause) {
        super("Invalid value '" + value + "' for property '" + property + "': " + why, cause);
        this.property = Objects.requireNonNull(property, "property");
        this.value = String.valueOf(value);
    }

    /**
     * Returns the property.
     *
     * @return the property name
     */
    public String property() {
        return property;
    }

    /**
     * Returns the refused value.
     *
     * @return the value, as text
     */
    public String value() {
        return value;
    }
}
