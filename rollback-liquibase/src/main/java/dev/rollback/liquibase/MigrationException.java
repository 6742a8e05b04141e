package dev.rollback.liquibase;

/**
 * An expand, contract or rollback step that could not be done. The message names the change set,
 * what was wrong and what to do next; the phase table is left in a state from which expand,
 * contract or rollback can proceed.
 */
public class MigrationException extends RuntimeException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The change set concerned, or null. */
    private final String changeSet;

    /**
     * Creates the exception.
     *
     * @param changeSet the change set concerned, as {@code path::id::author}, or null if none
     * @param message   what was wrong and what to do next
     * @param cause     the cause, or null
     */
    public MigrationException(String changeSet, String message, Throwable cause) {
        super(changeSet == null ? message : "change set " + changeSet + ": " + message, cause);
        this.changeSet = changeSet;
    }

    /**
     * Returns the change set concerned.
     *
     * @return the change set as {@code path::id::author}, or null if the error concerns none
     */
    public String changeSet() {
        return changeSet;
    }
}
