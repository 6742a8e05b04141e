package dev.rollback.core.ledger;

import java.sql.SQLException;
import java.util.Set;

/**
 * What a failed ledger write means for the writer that retries it, read from the failure's
 * SQLState (the first SQLException in its causes, and the exceptions chained to it):
 * <ul>
 * <li>{@link #RECORD_REJECTED}: the database refused this record's data, SQLState class {@code 22}
 *     (data exception, e.g. {@code 22021} a NUL byte in a UTF-8 text, {@code 22001} a text too
 *     long) or {@code 23} (integrity constraint violation, e.g. a rollback of a deployment that
 *     was never recorded); or the ledger refused it before the database with an
 *     {@link IllegalArgumentException} or {@link NullPointerException}. The same record fails the
 *     same way every time: retrying it would stop every record behind it.</li>
 * <li>{@link #TRANSIENT}: anything else, e.g. class {@code 08} (connection), {@code 40}
 *     (transaction rollback, serialization failure, deadlock), {@code 53} (insufficient resources),
 *     {@code 57} (operator intervention, e.g. the server shutting down), a pool's timeout without
 *     a SQLState, or a missing table (class {@code 42}): the next attempt may succeed, and any
 *     other record would fail the same way now.</li>
 * </ul>
 */
public enum LedgerFailure {

    /** The database refused the record itself; retrying it cannot succeed. */
    RECORD_REJECTED,

    /** The database could not take any record now; retrying may succeed. */
    TRANSIENT;

    private static final Set<String> DATA_CLASSES = Set.of("22", "23");

    /**
     * Classifies a failure of a ledger write.
     *
     * @param failure what the write threw
     * @return {@link #RECORD_REJECTED} or {@link #TRANSIENT}, as described above
     */
    public static LedgerFailure of(Throwable failure) {
        if (failure instanceof IllegalArgumentException || failure instanceof NullPointerException) {
            return RECORD_REJECTED;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return isDataClass(sql) ? RECORD_REJECTED : TRANSIENT;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return TRANSIENT;
    }

    private static boolean isDataClass(SQLException first) {
        for (SQLException e = first; e != null; e = e.getNextException()) {
            String state = e.getSQLState();
            if (state != null && state.length() >= 2 && DATA_CLASSES.contains(state.substring(0, 2))) {
                return true;
            }
        }
        return false;
    }
}
