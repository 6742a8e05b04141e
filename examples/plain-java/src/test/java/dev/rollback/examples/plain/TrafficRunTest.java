package dev.rollback.examples.plain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.core.guard.GuardState;
import dev.rollback.core.judge.Criterion;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.examples.plain.RunResult.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrafficRunTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(Regression.class)
    void rollsBackAfterTheRegressionWithoutFailingAnyCall(Regression regression) {
        RunResult r = TrafficRun.virtualTime(new DemoOptions(regression, 4_000, 42, 1), out).run();

        assertThat(r.injectedAtRequest()).isEqualTo(2_000);
        assertThat(r.rolledBackAfterInjection()).isTrue();
        assertThat(r.rollbackAtRequest()).isGreaterThan(r.injectedAtRequest());
        assertThat(r.findRollback()).hasValueSatisfying(e -> {
            assertThat(e.actor()).isEqualTo("judge");
            assertThat(e.scope()).isEqualTo(RollbackScope.FEATURE);
            assertThat(e.evidence().criterion())
                    .isEqualTo(regression == Regression.ERRORS ? Criterion.ERROR_RATE : Criterion.LATENCY);
        });
        assertThat(r.callerFailures()).isZero();
        assertThat(r.claimHolds()).isTrue();
        // the regressed new path really ran before the rollback, and never after it
        assertThat(r.phases().get(Phase.REGRESSED).newPathRan()).isPositive();
        assertThat(r.phases().get(Phase.ROLLED_BACK).newPathRan()).isZero();
        assertThat(r.finalState()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(r.flagShare()).isZero();
        assertThat(r.healthJson()).contains("\"status\":\"DEGRADED\"");
        assertThat(r.ledgerRollbacks()).singleElement().satisfies(record -> {
            assertThat(record.feature()).isEqualTo(TrafficRun.FEATURE);
            assertThat(record.deploymentRecordId()).isEqualTo(r.deploymentId());
            assertThat(record.scope()).isEqualTo(RollbackScope.FEATURE);
            assertThat(record.actor()).isEqualTo("judge");
            assertThat(record.reason()).isEqualTo(r.rollback().reason());
        });
    }

    @Test
    void countsEveryRequestOnceInTheGuardsMeters() {
        RunResult r = TrafficRun.virtualTime(new DemoOptions(Regression.ERRORS, 4_000, 42, 1), out).run();

        long newFailures = count(r, "new", "failure");
        long answered = r.calls().stream().mapToLong(RunResult.CallCount::count).sum() - newFailures;
        assertThat(answered).isEqualTo(r.requestsSent()).isEqualTo(4_000);
        assertThat(count(r, "old", "fallback")).isEqualTo(newFailures).isPositive();
        assertThat(count(r, "old", "failure")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Regression.class)
    void neverRollsBackBeforeTheRegressionOverManySeeds(Regression regression) {
        LongStream.rangeClosed(1, 20).forEach(seed -> {
            RunResult r = TrafficRun.virtualTime(new DemoOptions(regression, 4_000, seed, 1), out).run();
            assertThat(r.claimHolds()).as("seed %d: %s", seed, Summary.verdict(r)).isTrue();
        });
    }

    @Test
    void repeatsExactlyForTheSameSeed() {
        DemoOptions options = new DemoOptions(Regression.ERRORS, 4_000, 7, 1);

        RunResult first = TrafficRun.virtualTime(options, out).run();
        RunResult second = TrafficRun.virtualTime(options, out).run();

        assertThat(second.rollbackAtRequest()).isEqualTo(first.rollbackAtRequest());
        assertThat(second.phases()).isEqualTo(first.phases());
        assertThat(second.rollback().evidence()).isEqualTo(first.rollback().evidence());
    }

    @Test
    void printsTheTimelineAsItHappens() {
        TrafficRun.virtualTime(new DemoOptions(Regression.ERRORS, 4_000, 42, 1), out).run();

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .containsSubsequence("start", "OFF -> ROLLING_OUT", "REGRESSION  injected at request #2,000",
                        "ROLLING_OUT -> ROLLED_BACK", "ROLLBACK", "criterion    ERROR_RATE", "log e-value",
                        "end         4,000 requests sent");
    }

    @Test
    void containsTheRegressionOnRealThreadsInRealTime() {
        RunResult r = TrafficRun.realTime(new DemoOptions(Regression.ERRORS, 3_000, 42, 2), out).run();

        assertThat(r.claimHolds()).as(Summary.verdict(r)).isTrue();
        assertThat(r.ledgerRollbacks()).hasSize(1);
    }

    private static long count(RunResult r, String path, String outcome) {
        return r.calls().stream()
                .filter(c -> c.path().equals(path) && c.outcome().equals(outcome))
                .mapToLong(RunResult.CallCount::count)
                .sum();
    }
}
