package dev.rollback.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.InMemoryFlagSource;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunningPathTest {

    private final InMemoryFlagSource flags = new InMemoryFlagSource();
    private final RollbackRegistry registry = RollbackRegistry.builder()
            .meterRegistry(new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock()))
            .flagSource(flags)
            .service("checkout", "1.4.0")
            .build();

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void isNoneOutsideEveryGuardedPath() {
        assertThat(RunningPath.current()).isNull();
    }

    @Test
    void tellsTheNewPathWhileItRunsAndNoneAfterwards() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");

        RunningPath seen = guard.call(RunningPath::current, () -> null);

        assertThat(seen).isEqualTo(RunningPath.of("checkout-v2", RunningPath.Kind.NEW));
        assertThat(RunningPath.current()).isNull();
    }

    @Test
    void tellsTheOldPathWhenTheFlagIsOff() {
        ReleaseGuard guard = registry.guard("checkout-v2");

        RunningPath seen = guard.call(() -> null, RunningPath::current);

        assertThat(seen).isEqualTo(RunningPath.of("checkout-v2", RunningPath.Kind.OLD));
    }

    @Test
    void tellsTheOldPathWhenItAnswersAsFallbackAndNoneAfterAThrowingPath() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");
        List<RunningPath> seen = new ArrayList<>();

        guard.call(() -> {
            seen.add(RunningPath.current());
            throw new IllegalStateException("new path fails");
        }, () -> seen.add(RunningPath.current()));

        assertThat(seen).extracting(RunningPath::kind).containsExactly(RunningPath.Kind.NEW, RunningPath.Kind.OLD);
        assertThat(RunningPath.current()).isNull();
        assertThatThrownBy(() -> guard.call(() -> {
            throw new IllegalStateException("new path fails");
        }, () -> {
            throw new IllegalArgumentException("old path fails too");
        })).hasMessage("old path fails too");
        assertThat(RunningPath.current()).isNull();
    }

    @Test
    void tellsTheNewPathOfAFeatureWithoutOldPath() {
        ReleaseGuard guard = registry.guard("checkout-v2");

        assertThat(guard.call(RunningPath::current)).isEqualTo(RunningPath.of("checkout-v2", RunningPath.Kind.NEW));
    }

    @Test
    void restoresTheOuterPathAfterANestedGuardedCall() {
        flags.enable("checkout-v2");
        ReleaseGuard outer = registry.guard("checkout-v2");
        ReleaseGuard inner = registry.guard("pricing-v3");
        List<RunningPath> seen = new ArrayList<>();

        outer.call(() -> {
            seen.add(RunningPath.current());
            seen.add(inner.call(RunningPath::current, RunningPath::current));
            seen.add(RunningPath.current());
            return null;
        }, () -> null);

        assertThat(seen).containsExactly(
                RunningPath.of("checkout-v2", RunningPath.Kind.NEW),
                RunningPath.of("pricing-v3", RunningPath.Kind.OLD),
                RunningPath.of("checkout-v2", RunningPath.Kind.NEW));
    }

    @Test
    void belongsToTheThreadThatRunsThePath() {
        flags.enable("checkout-v2");
        ReleaseGuard guard = registry.guard("checkout-v2");

        RunningPath onAnotherThread = guard.call(
                () -> CompletableFuture.supplyAsync(RunningPath::current).join(), () -> null);

        assertThat(onAnotherThread).isNull();
    }

    @Test
    void refusesAPathWithoutFeatureOrKind() {
        assertThatThrownBy(() -> RunningPath.of(" ", RunningPath.Kind.NEW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("' '");
        assertThatThrownBy(() -> RunningPath.of("checkout-v2", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    }
}
