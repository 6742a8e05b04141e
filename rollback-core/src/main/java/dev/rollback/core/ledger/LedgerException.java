package dev.rollback.core.ledger;

/**
 * Thrown when a ledger could not write or read its records, e.g. because the database cannot be
 * reached. The message says what was being written or read, with the record's id.
 *
 * <p>A write that failed with this exception may be retried as it is: ledger writes are idempotent
 * by record id, so a retry of a write that in fact succeeded records nothing twice.
 */
public class LedgerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was being written or read, with the record's id, and what went wrong
     * @param cause   the failure underneath, typically a {@link java.sql.SQLException}
     */
    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception with no cause, for records the ledger finds but cannot read.
     *
     * @param message what was being read, with the record's id, and what is wrong with it
     */
    public LedgerException(String message) {
        super(message);
    }
}
