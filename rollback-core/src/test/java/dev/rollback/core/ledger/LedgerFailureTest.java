package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LedgerFailureTest {

    @ParameterizedTest
    @CsvSource({
            "22021, RECORD_REJECTED", // invalid byte sequence, e.g. NUL in UTF-8
            "22001, RECORD_REJECTED", // string data right truncation
            "23503, RECORD_REJECTED", // foreign key violation
            "08006, TRANSIENT", // connection failure
            "40001, TRANSIENT", // serialization failure
            "53300, TRANSIENT", // too many connections
            "57P01, TRANSIENT", // admin shutdown
            "42P01, TRANSIENT", // undefined table: any record would fail now
    })
    void classifiesByTheSqlStateOfTheCause(String sqlState, LedgerFailure expected) {
        LedgerException failure = new LedgerException("The rollback ledger could not record rollback 1",
                new SQLException("refused", sqlState));

        assertThat(LedgerFailure.of(failure)).isEqualTo(expected);
    }

    @Test
    void findsADataExceptionChainedBehindAnother() {
        SQLException batch = new SQLException("batch entry 0 was aborted", "25P02");
        batch.setNextException(new SQLException("invalid byte sequence for encoding UTF8: 0x00", "22021"));

        assertThat(LedgerFailure.of(new LedgerException("write", batch))).isEqualTo(LedgerFailure.RECORD_REJECTED);
    }

    @Test
    void treatsAPoolTimeoutWithoutSqlStateAsTransientAndABadArgumentAsRejected() {
        assertThat(LedgerFailure.of(new LedgerException("write",
                new SQLTransientConnectionException("Connection is not available, request timed out after 30000ms"))))
                .isEqualTo(LedgerFailure.TRANSIENT);
        assertThat(LedgerFailure.of(new IllegalStateException("down"))).isEqualTo(LedgerFailure.TRANSIENT);
        assertThat(LedgerFailure.of(new IllegalArgumentException("too long"))).isEqualTo(LedgerFailure.RECORD_REJECTED);
    }
}
