package dev.rollback.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.ReleaseGuard;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class RollbackHealthIndicatorTest {

    private final RollbackRegistry registry = RollbackRegistry.builder().service("checkout", "1.4.0").build();
    private final RollbackHealthIndicator indicator = new RollbackHealthIndicator(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void isUpWhileNoFeatureIsRolledBack() {
        registry.guard("checkout-v2").call(() -> "new", () -> "old");

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsOnlyKeys(registry.health().toMap().keySet());
        assertThat(health.getDetails()).containsEntry("status", "UP").containsEntry("service", "checkout")
                .containsEntry("reason", "");
    }

    @Test
    void staysUpAndReportsDegradedWhenAFeatureWithAnOldPathIsRolledBack() {
        ReleaseGuard guard = registry.guard("checkout-v2");
        guard.call(() -> "new", () -> "old");
        guard.rollback("error rate too high");

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("status", "DEGRADED")
                .containsEntry("reason", "checkout-v2: error rate too high");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> features = (List<Map<String, Object>>) health.getDetails().get("features");
        assertThat(features).singleElement().satisfies(feature -> assertThat(feature)
                .containsEntry("feature", "checkout-v2").containsEntry("state", "ROLLED_BACK")
                .containsEntry("status", "DEGRADED"));
    }

    @Test
    void requestsARollbackWhenAFeatureWithoutOldPathIsRolledBack() {
        ReleaseGuard guard = registry.guard("receipt-v2");
        assertThatThrownBy(() -> guard.call(() -> {
            throw new IllegalStateException("broken");
        })).hasMessage("broken");
        guard.rollback("receipts are wrong");

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(RollbackHealthIndicator.ROLLBACK_REQUESTED);
        assertThat(health.getDetails()).containsEntry("status", "ROLLBACK_REQUESTED")
                .containsEntry("reason", "receipt-v2: receipts are wrong");
    }
}
