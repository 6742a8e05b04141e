package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.flags.UnleashFlagSource;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter against a real Unleash server ({@link UnleashTestServer}). Skipped when it cannot be
 * reached, unless {@code rollback.it.required=true}. Its flag has a name of its own
 * ({@code starter-it-...}) and is archived afterwards.
 */
class RollbackRealUnleashTest {

    private final UnleashTestServer unleash = new UnleashTestServer("starter-it");
    private final String flag = unleash.flag();

    @BeforeEach
    void skipUnlessReachable() {
        unleash.assumeReachable();
    }

    @AfterEach
    void archiveFlag() {
        unleash.archiveFlag();
    }

    @Test
    void takesTheNewPathWhileTheFlagIsOnAndTurnsItOffInUnleashOnRollback() {
        unleash.createFlag(100);
        await().atMost(Duration.ofSeconds(10)).until(unleash::enabledForClients);

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RollbackUnleashAutoConfiguration.class,
                        RollbackAutoConfiguration.class))
                .withPropertyValues("spring.application.name=starter-it")
                .withPropertyValues(unleash.starterProperties())
                .run(context -> {
                    FlagSource flags = context.getBean(FlagSource.class);
                    assertThat(flags).isInstanceOf(UnleashFlagSource.class);
                    // The server's list can lag its admin API by a revision; until the SDK's fetch shows the
                    // flag, every call takes the old path.
                    await().atMost(Duration.ofSeconds(10)).until(() -> flags.isActive(flag));
                    ReleaseGuard guard = context.getBean(RollbackRegistry.class).guard(flag);
                    assertThat(guard.call("user-1", () -> "new", () -> "old")).isEqualTo("new");
                    assertThat(unleash.enabledInUnleash()).isTrue();

                    guard.rollback("starter integration test");

                    assertThat(guard.call("user-1", () -> "new", () -> "old")).isEqualTo("old");
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                            .until(() -> !unleash.enabledInUnleash());
                });
    }
}
