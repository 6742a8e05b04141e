package dev.rollback.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.core.ledger.InMemoryRollbackLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class ExpandContractBuilderTest {

    private static ExpandContract.Builder builder() {
        return ExpandContract.builder(new JdbcDataSource(), "db/changelog.yaml");
    }

    @Test
    void rejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> builder().backfillBatchSize(0)).hasMessage("backfillBatchSize must be positive, was 0");
        assertThatThrownBy(() -> builder().lockRetries(-1)).hasMessage("lockRetries must be zero or more, was -1");
        assertThatThrownBy(() -> builder().lockTimeout(Duration.ZERO)).hasMessage("lockTimeout must be a positive duration, was PT0S");
        assertThatThrownBy(() -> builder().instanceTimeout(null)).hasMessage("instanceTimeout must be a positive duration, was null");
        assertThatThrownBy(() -> builder().bakeTime(Duration.ofSeconds(-1))).hasMessage("bakeTime must be zero or positive, was PT-1S");
        assertThatThrownBy(() -> builder().backfillPause(Duration.ofMillis(-1)))
                .hasMessage("backfillPause must be zero or positive, was PT-0.001S");
        assertThatThrownBy(() -> ExpandContract.builder(new JdbcDataSource(), " "))
                .hasMessage("changelog must not be null or blank, was ' '");
        assertThatThrownBy(() -> builder().serviceName("")).hasMessage("serviceName must not be null or blank, was ''");
    }

    @Test
    void aLedgerNeedsAServiceName() {
        assertThatThrownBy(() -> builder().ledger(new InMemoryRollbackLedger()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("set serviceName(");
        assertThat(builder().ledger(new InMemoryRollbackLedger()).serviceName("checkout").build()).isNotNull();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(ExpandContract.DEFAULT_BAKE_TIME).isEqualTo(Duration.ofMinutes(15));
        assertThat(ExpandContract.DEFAULT_INSTANCE_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
        assertThat(ExpandContract.DEFAULT_LINT).isEqualTo(LintMode.FAIL);
        assertThat(builder().meterRegistry(new SimpleMeterRegistry()).build()).isNotNull();
    }
}
