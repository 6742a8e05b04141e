package dev.rollback.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quickstart, compiled and run, so that it stays true. */
class QuickstartTest {

    record Order(String user, int amount) {
    }

    static String checkoutV1(Order order) {
        return "receipt-v1:" + order.user();
    }

    static String checkoutV2(Order order) {
        throw new IllegalStateException("v2 cannot price this order");
    }

    @Test
    void quickstartRollsTheBrokenNewPathBackWithoutAFailedCall() {
        List<String> log = new ArrayList<>();
        // README quickstart: start
        InMemoryFlagSource flags = new InMemoryFlagSource();
        flags.rollout("checkout-v2", 50);                       // half of the users get the new path

        try (RollbackRegistry registry = RollbackRegistry.builder()
                .meterRegistry(new SimpleMeterRegistry())       // Micrometer; its clock is the only time source
                .flagSource(flags)                              // or UnleashFlagSource from rollback-flags
                .service("checkout", "1.4.0")
                .build()) {
            registry.getEventPublisher().onRollback(e -> log.add(e.feature() + ": " + e.reason()));
            ReleaseGuard guard = registry.guard("checkout-v2");

            for (int i = 0; i < 1_000; i++) {
                Order order = new Order("user-" + i, 42);
                String receipt = guard.call(order.user(),       // same user, same path
                        () -> checkoutV2(order),                // new path: fails here
                        () -> checkoutV1(order));               // old path: answers instead
                assert receipt.startsWith("receipt-v1");
            }
            System.out.println(guard.state());                  // ROLLED_BACK
            System.out.println(registry.health().toJson());     // {"format":1,...,"status":"DEGRADED",...}
            // README quickstart: end
            assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
            assertThat(registry.health().status()).isEqualTo(HealthStatus.DEGRADED);
        }
        assertThat(log).singleElement().asString().startsWith("checkout-v2: regression: error rate 100.00%");
    }
}
