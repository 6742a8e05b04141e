package dev.rollback.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.StateTransitionEvent;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.core.health.HealthStatus;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReleaseGuardTest {

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final InMemoryFlagSource flags = new InMemoryFlagSource();
    private final RollbackRegistry registry = RollbackRegistry.builder()
            .meterRegistry(meters)
            .flagSource(flags)
            .service("checkout", "1.4.0")
            .build();
    private final List<RollbackEvent> rollbacks = new ArrayList<>();
    private final List<StateTransitionEvent> transitions = new ArrayList<>();

    ReleaseGuardTest() {
        registry.getEventPublisher().onRollback(rollbacks::add).onStateTransition(transitions::add);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void takesOnlyTheOldPathWhileTheFlagIsOff() {
        ReleaseGuard guard = registry.guard("checkout-v2");
        AtomicInteger newCalls = new AtomicInteger();

        for (int i = 0; i < 100; i++) {
            assertThat(guard.call(() -> "new" + newCalls.incrementAndGet(), () -> "old")).isEqualTo("old");
        }

        assertThat(newCalls).hasValue(0);
        assertThat(guard.state()).isEqualTo(GuardState.OFF);
        assertThat(calls("old", "success")).isEqualTo(100);
    }

    @Test
    void asksTheFlagSourceOnEveryCallSoThatItsCacheIsTheOnlyOne() {
        AtomicInteger asked = new AtomicInteger();
        FlagSource source = (feature, key) -> asked.incrementAndGet() % 2 == 1;
        try (RollbackRegistry r = RollbackRegistry.builder().meterRegistry(meters).flagSource(source).build()) {
            ReleaseGuard guard = r.guard("checkout-v2");

            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                paths.add(guard.call("user-1", () -> "new", () -> "old"));
            }

            // The source's answer for one key changed on each call, and the guard followed it each time.
            assertThat(asked).hasValue(4);
            assertThat(paths).containsExactly("new", "old", "new", "old");
        }
    }

    @Test
    void takesTheNewPathWhenTheFlagIsOn() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");

        assertThat(guard.call(() -> "new", () -> "old")).isEqualTo("new");
        assertThat(guard.state()).isEqualTo(GuardState.ROLLING_OUT);
        assertThat(transitions).extracting(StateTransitionEvent::to).containsExactly(GuardState.ROLLING_OUT);
        assertThat(calls("new", "success")).isEqualTo(1);
    }

    @Test
    void answersWithTheOldPathWhenTheNewPathThrows() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");

        String result = guard.call(() -> {
            throw new IllegalStateException("boom");
        }, () -> "old");

        assertThat(result).isEqualTo("old");
        assertThat(calls("new", "failure")).isEqualTo(1);
        assertThat(calls("old", "fallback")).isEqualTo(1);
    }

    @Test
    void givesTheCallerTheOldPathsExceptionWhenBothPathsThrow() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");
        IllegalArgumentException oldFailure = new IllegalArgumentException("old failed");

        assertThatThrownBy(() -> guard.call(() -> {
            throw new IllegalStateException("new failed");
        }, () -> {
            throw oldFailure;
        })).isSameAs(oldFailure);
        assertThat(calls("old", "failure")).isEqualTo(1);
    }

    @Test
    void letsExceptionsThatAreNotFailuresReachTheCaller() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2",
                GuardConfig.custom().fallbackOn(IllegalStateException.class).build());
        UnsupportedOperationException notAFailure = new UnsupportedOperationException("business rule");

        assertThatThrownBy(() -> guard.call(() -> {
            throw notAFailure;
        }, () -> "old")).isSameAs(notAFailure);
        assertThat(calls("old", "fallback")).isZero();
    }

    @Test
    void takesTheOldPathWhileTheBreakerIsOpen() {
        flags.enable("checkout-v2");
        // The judge would roll back soon; give it too few samples so that the breaker alone acts.
        ReleaseGuard guard = registry.guard("checkout-v2", GuardConfig.custom().minimumSamples(1_000).build());
        AtomicInteger newCalls = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            guard.call(() -> {
                newCalls.incrementAndGet();
                throw new IllegalStateException("down");
            }, () -> "old");
        }
        int newCallsWhenOpen = newCalls.get();

        for (int i = 0; i < 10; i++) {
            assertThat(guard.call(() -> "new" + newCalls.incrementAndGet(), () -> "old")).isEqualTo("old");
        }

        assertThat(newCalls).hasValue(newCallsWhenOpen);
        assertThat(calls("old", "fallback")).isEqualTo(30);
    }

    @Test
    void staysRolledBackUntilReinstated() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");
        guard.call(() -> "new", () -> "old");

        guard.rollback("checkout totals wrong");

        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(guard.call(() -> "new", () -> "old")).isEqualTo("old");
        assertThat(rollbacks).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("checkout totals wrong");
            assertThat(e.actor()).isEqualTo("manual");
            assertThat(e.scope()).isEqualTo(RollbackScope.FEATURE);
            assertThat(e.evidence()).isNull();
        });
        assertThat(registry.health().status()).isEqualTo(HealthStatus.DEGRADED);

        guard.rollback("again");
        assertThat(rollbacks).hasSize(1);

        guard.reinstate();
        flags.enable("checkout-v2");

        assertThat(guard.call(() -> "new", () -> "old")).isEqualTo("new");
        assertThat(guard.state()).isEqualTo(GuardState.ROLLING_OUT);
        assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void rollsBackOnAJudgeVerdictWithTheEvidence() {
        flags.rollout("checkout-v2", 50);
        ReleaseGuard guard = registry.guard("checkout-v2");
        AtomicInteger callerFailures = new AtomicInteger();

        for (int i = 0; i < 2_000 && guard.state() != GuardState.ROLLED_BACK; i++) {
            try {
                guard.call("user-" + i, () -> {
                    throw new IllegalStateException("new path broken");
                }, () -> "old");
            } catch (RuntimeException e) {
                callerFailures.incrementAndGet();
            }
        }

        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(callerFailures).hasValue(0);
        RollbackEvent event = rollbacks.get(0);
        assertThat(event.actor()).isEqualTo("judge");
        assertThat(event.evidence().criterion()).isEqualTo(Criterion.ERROR_RATE);
        assertThat(event.evidence().newEstimate()).isEqualTo(1.0);
        assertThat(event.evidence().logEvidence()).isGreaterThanOrEqualTo(event.evidence().logThreshold());
        assertThat(event.reason()).startsWith("regression: error rate 100.00%");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(flags.percentage("checkout-v2")).as("the flag source was told").isZero());
        assertThat(meters.get(RollbackMetricNames.ROLLBACKS).tag("actor", "judge").counter().count()).isEqualTo(1);
    }

    @Test
    void neverTakesAFallbackForAControlSample() {
        flags.rollout("checkout-v2", 50);
        ReleaseGuard guard = registry.guard("checkout-v2");
        AtomicInteger callerFailures = new AtomicInteger();

        for (int i = 0; i < 3_000 && guard.state() != GuardState.ROLLED_BACK; i++) {
            clock.add(1, TimeUnit.MILLISECONDS);
            // Both paths fail every third call alike; a fallback succeeds (it answers after the new
            // path failed, e.g. from a cache). Counted as control samples, fallbacks would make the
            // old path look healthier than it is and roll back a new path that is no worse.
            boolean fail = i % 3 == 0;
            boolean[] newRan = {false};
            try {
                guard.call(() -> {
                    newRan[0] = true;
                    return outcome(fail, "new");
                }, () -> newRan[0] ? "old" : outcome(fail, "old"));
            } catch (IllegalStateException e) {
                callerFailures.incrementAndGet();
            }
        }

        assertThat(callerFailures).hasValueGreaterThan(300);
        assertThat(calls("old", "fallback")).isGreaterThan(300);
        assertThat(guard.state()).isEqualTo(GuardState.ROLLING_OUT);
    }

    private static String outcome(boolean fail, String path) {
        if (fail) {
            throw new IllegalStateException("shared outage");
        }
        return path;
    }

    @Test
    void saysThereIsNoConcurrentControlAtAFullRolloutWithoutAHoldback() {
        ReleaseGuard guard = registry.guard("checkout-v2");
        for (int i = 0; i < 100; i++) {
            clock.add(10, TimeUnit.MILLISECONDS);
            guard.call(() -> "new", () -> "old");
        }
        flags.enable("checkout-v2");
        for (int i = 0; i < 200; i++) {
            clock.add(1, TimeUnit.SECONDS);
            guard.call(() -> "new", () -> "old");
        }

        assertThat(registry.health().features().get(0).reason())
                .endsWith("no concurrent control: the judge compares with the pre-rollout baseline"
                        + " (set a holdback to keep one)");
    }

    @Test
    void keepsTheHoldbackShareOnTheOldPathAsAConcurrentControlAtAFullRollout() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2", GuardConfig.custom().holdback(5).build());
        int oldCalls = 0;
        int oldKeys = 0;
        for (int i = 0; i < 10_000; i++) {
            clock.add(1, TimeUnit.SECONDS);
            oldCalls += "old".equals(guard.call(() -> "new", () -> "old")) ? 1 : 0;
            oldKeys += "old".equals(guard.call("user-" + i, () -> "new", () -> "old")) ? 1 : 0;
        }

        assertThat(oldCalls).isEqualTo(500);
        assertThat(oldKeys).isBetween(400, 600);
        assertThat(registry.health().features().get(0).reason()).doesNotContain("no concurrent control");
    }

    @Test
    void keepsAKeyOnOnePathWhileTheShareIsUnchanged() {
        flags.rollout("checkout-v2", 50);
        ReleaseGuard guard = registry.guard("checkout-v2");
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            first.add(guard.call("user-" + i, () -> "new", () -> "old"));
        }

        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 200; i++) {
                assertThat(guard.call("user-" + i, () -> "new", () -> "old")).isEqualTo(first.get(i));
            }
        }
        assertThat(first).contains("new", "old");
    }

    @Test
    void requestsAnInstanceRollbackWhenAFeatureWithoutAnOldPathRegresses() {
        ReleaseGuard guard = registry.guard("schema-v3",
                GuardConfig.custom().maximumErrorRate(0.05).build());
        AtomicInteger callerFailures = new AtomicInteger();

        for (int i = 0; i < 500 && guard.state() != GuardState.ROLLED_BACK; i++) {
            int n = i;
            try {
                guard.call(() -> {
                    if (n % 4 == 0) {
                        throw new IllegalStateException("no old path to save this call");
                    }
                    return "new";
                });
            } catch (IllegalStateException e) {
                callerFailures.incrementAndGet();
            }
        }

        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(callerFailures.get()).as("without an old path the caller sees the failures").isPositive();
        assertThat(rollbacks).singleElement().satisfies(e -> {
            assertThat(e.scope()).isEqualTo(RollbackScope.INSTANCE);
            assertThat(e.evidence().criterion()).isEqualTo(Criterion.MAXIMUM_ERROR_RATE);
        });
        assertThat(registry.health().status()).isEqualTo(HealthStatus.ROLLBACK_REQUESTED);
        assertThat(registry.health().reason()).startsWith("schema-v3: regression: error rate");
        assertThat(guard.call(() -> "still runs")).isEqualTo("still runs");
    }

    @Test
    void requestsAnInstanceRollbackWhenTheBreakerOfAPathWithoutAnOldPathOpens() {
        ReleaseGuard guard = registry.guard("schema-v3");

        for (int i = 0; i < 20; i++) {
            try {
                guard.call(() -> {
                    throw new IllegalStateException("down");
                });
            } catch (IllegalStateException expected) {
                // the caller sees it: there is no old path
            }
        }

        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(rollbacks).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("circuit-breaker");
            assertThat(e.reason()).contains("failure rate 100.0%");
        });
        assertThat(registry.health().status()).isEqualTo(HealthStatus.ROLLBACK_REQUESTED);
    }

    @Test
    void takesTheOldPathWhenTheFlagSourceThrowsAndCountsEachFailure() {
        FlagSource broken = (feature, key) -> {
            throw new IllegalStateException("flag service unreachable");
        };
        try (RollbackRegistry r = RollbackRegistry.builder().meterRegistry(meters).flagSource(broken).build()) {
            ReleaseGuard guard = r.guard("checkout-v2");
            for (int i = 0; i < 50; i++) {
                assertThat(guard.call(() -> "new", () -> "old")).isEqualTo("old");
                clock.add(Duration.ofSeconds(1));
            }
            assertThat(meters.get(RollbackMetricNames.FLAG_ERRORS).counter().count()).isEqualTo(50);
            assertThat(guard.state()).isEqualTo(GuardState.OFF);
        }
    }

    @Test
    void ignoresAnEventConsumerThatThrows() {
        List<RollbackEvent> seenAfter = new ArrayList<>();
        registry.getEventPublisher()
                .onRollback(e -> {
                    throw new IllegalStateException("consumer bug");
                })
                .onRollback(seenAfter::add);
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");

        guard.rollback("by hand");

        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(seenAfter).hasSize(1);
    }

    @Test
    void measuresPathsOnTheRegistryClock() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");

        guard.call(() -> {
            clock.add(250, TimeUnit.MILLISECONDS);
            return "new";
        }, () -> "old");

        assertThat(meters.get(RollbackMetricNames.CALLS).tag("path", "new").tag("outcome", "success").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    }

    @Test
    void rejectsInvalidFeatureNames() {
        assertThatThrownBy(() -> registry.guard(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> registry.guard("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'  '");
        assertThatThrownBy(() -> registry.guard("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
    }

    @Test
    void refusesASecondConfigurationForTheSameFeature() {
        registry.guard("checkout-v2");

        assertThatThrownBy(() -> registry.guard("checkout-v2", GuardConfig.custom().minimumSamples(5).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'checkout-v2' already exists with another configuration");
        assertThat(registry.guard("checkout-v2")).isSameAs(registry.find("checkout-v2").orElseThrow());
    }

    private double calls(String path, String outcome) {
        return meters.get(RollbackMetricNames.CALLS).tag("path", path).tag("outcome", outcome).timer().count();
    }
}
