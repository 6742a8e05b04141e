package dev.rollback.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.fleet.Fleet;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.testing.TestPostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

/**
 * Three instances (three application contexts, each with its own Unleash SDK client and registry)
 * share the ledger on the real PostgreSQL and a flag on the real Unleash server, rolled out to 50%.
 * The new path starts failing; the fleet judge pools the three instances' pairs, reaches the verdict,
 * the kill switch turns the flag off in Unleash, and all three take the old path. The same traffic on
 * one instance without the fleet judge gives the single-instance time; both are printed. Skipped
 * when either server cannot be reached, unless {@code rollback.it.required=true}.
 */
class RollbackFleetRealServersTest {

    private static final String SCHEMA = "rollback_fleet_16_it";
    /** Rounds of one new-path and one old-path call per instance, per second. */
    private static final long ROUND_MILLIS = 250;
    /**
     * Strict enough that an instance's own judge needs 16 pairs (4 s of rounds) and the fleet judge about
     * 6 rounds of three instances, so that the fleet verdict comes first by seconds. Not stricter: the
     * circuit breaker opens after 20 failed calls, and an open breaker gives the judge no new-path calls.
     */
    private static final String SIGNIFICANCE_LEVEL = "1e-4";

    @BeforeEach
    void skipUnlessReachable() {
        TestPostgresServer.assumeReachable();
        new UnleashTestServer("fleet-it").assumeReachable();
    }

    @Test
    void aRegressionReachesTheFleetVerdictAndTheKillSwitchPutsAllThreeInstancesOnTheOldPath() throws Exception {
        String url = TestPostgresServer.freshSchema(SCHEMA);
        double single = secondsToOldPath(url, List.of("single"), false);
        double fleet = secondsToOldPath(url, List.of("a", "b", "c"), true);
        System.out.printf(Locale.ROOT, "fleet IT: onset -> all on the old path: 3 instances with the fleet judge"
                + " %.1f s; one instance alone %.1f s (new path always fails; every %d ms one new-path and one"
                + " old-path call per instance; publish interval 200 ms)%n", fleet, single, ROUND_MILLIS);
    }

    /**
     * Runs instances with these ids on a flag of their own, rolled out to 50%, and returns the seconds
     * from the onset to all of them on the old path.
     */
    private double secondsToOldPath(String url, List<String> ids, boolean fleet) {
        UnleashTestServer unleash = new UnleashTestServer("fleet-it");
        try {
            unleash.createFlag(50);
            await().atMost(Duration.ofSeconds(10)).until(unleash::enabledForClients);
            List<ApplicationContextRunner> runners = ids.stream().map(id -> instance(unleash, url, id, fleet)).toList();
            return secondsToOldPath(unleash, runners, fleet);
        } finally {
            unleash.archiveFlag();
        }
    }

    private static ApplicationContextRunner instance(UnleashTestServer unleash, String url, String id, boolean fleet) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        RollbackUnleashAutoConfiguration.class, RollbackAutoConfiguration.class,
                        RollbackFleetAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url,
                        "spring.datasource.username=" + TestPostgresServer.USER,
                        "spring.datasource.password=" + TestPostgresServer.PASSWORD,
                        "rollback.service.name=" + unleash.flag(), "rollback.service.instance-id=" + id,
                        "rollback.fleet.enabled=" + fleet, "rollback.fleet.publish-interval=200ms",
                        "rollback.guard.significance-level=" + SIGNIFICANCE_LEVEL)
                .withPropertyValues(unleash.starterProperties());
    }

    /**
     * Starts the instances, sends each a round of one new-path call (failing) and one old-path call every
     * {@value #ROUND_MILLIS} ms until every instance takes the old path for the new path's caller, checks
     * the verdict's records, and returns the seconds from the first round (the onset).
     */
    private double secondsToOldPath(UnleashTestServer unleash, List<ApplicationContextRunner> runners, boolean fleet) {
        String flag = unleash.flag();
        double[] seconds = new double[1];
        List<AssertableApplicationContext> contexts = new ArrayList<>();
        nest(runners, 0, contexts, () -> {
            List<ReleaseGuard> guards = contexts.stream()
                    .map(c -> c.getBean(RollbackRegistry.class).guard(flag)).toList();
            List<String[]> keys = contexts.stream().map(c -> keys(c.getBean(FlagSource.class), flag)).toList();
            long start = System.nanoTime();
            boolean allOld = false;
            while (!allOld) {
                assertThat(System.nanoTime() - start).as("seconds to the old path")
                        .isLessThan(Duration.ofSeconds(60).toNanos());
                allOld = true;
                for (int i = 0; i < guards.size(); i++) {
                    String path = guards.get(i).call(keys.get(i)[0], () -> {
                        throw new IllegalStateException("new path broken");
                    }, () -> "old");
                    guards.get(i).call(keys.get(i)[1], () -> "new", () -> "old");
                    allOld &= "old".equals(path) && guards.get(i).state() != GuardState.ROLLING_OUT;
                }
                sleep(ROUND_MILLIS);
            }
            seconds[0] = (System.nanoTime() - start) / 1e9;
            await().atMost(Duration.ofSeconds(10)).until(() -> !unleash.enabledInUnleash());
            if (fleet) {
                RollbackRegistry registry = contexts.get(0).getBean(RollbackRegistry.class);
                assertThat(contexts).as("instances with the fleet verdict; the ledger's rollbacks: %s",
                                rollbacks(contexts, flag))
                        .allSatisfy(c -> assertThat(c.getBean(Fleet.class).verdict(flag)).isPresent());
                // One record for the fleet. The kill switch's outcome goes on it, unless the instance that
                // reached the verdict had just been rolled back by its own judge (the outcome is on that record).
                await().atMost(Duration.ofSeconds(10)).until(() -> fleetRecords(contexts, flag).size() == 1);
                assertThat(fleetRecords(contexts, flag)).singleElement().satisfies(r -> {
                    assertThat(r.actor()).isEqualTo(RollbackActors.FLEET_JUDGE);
                    assertThat(r.outcome()).isNotEqualTo(RollbackOutcome.FAILED);
                    // pooled over the instances that had published when it was reached: two or three of them
                    assertThat(r.reason()).contains("fleet regression")
                            .containsPattern("pooled over [23] instance\\(s\\) \\[[abc](, [abc])+\\]");
                });
                assertThat(registry.health().features()).singleElement()
                        .satisfies(f -> assertThat(f.reason()).startsWith("fleet regression"));
            }
        });
        return seconds[0];
    }

    private static List<RollbackRecord> fleetRecords(List<AssertableApplicationContext> contexts, String flag) {
        return rollbacks(contexts, flag).stream().filter(r -> r.scope() == RollbackScope.FLEET).toList();
    }

    private static List<RollbackRecord> rollbacks(List<AssertableApplicationContext> contexts, String flag) {
        return contexts.stream().map(c -> c.getBean(RollbackRegistry.class))
                .flatMap(r -> r.ledger().rollbacks(r.deployment().id()).stream())
                .filter(r -> flag.equals(r.feature()))
                .toList();
    }

    /** Runs {@code body} inside every runner's context at once. */
    private static void nest(List<ApplicationContextRunner> runners, int i, List<AssertableApplicationContext> contexts,
                             Runnable body) {
        if (i == runners.size()) {
            body.run();
            return;
        }
        runners.get(i).run((ContextConsumer<AssertableApplicationContext>) context -> {
            assertThat(context).hasNotFailed();
            contexts.add(context);
            nest(runners, i + 1, contexts, body);
        });
    }

    /**
     * A caller the 50% rollout sends to the new path, and one it sends to the old path, once the
     * instance's SDK holds the flag on: before its first fetch that shows the flag, every caller takes
     * the old path, and a caller picked then can be one the rollout sends to the new path.
     */
    private static String[] keys(FlagSource flags, String flag) {
        await("the SDK holds the flag on").atMost(Duration.ofSeconds(10)).until(() -> flags.isActive(flag));
        String[] keys = new String[2];
        for (int i = 0; keys[0] == null || keys[1] == null; i++) {
            int path = flags.isEnabled(flag, "user-" + i) ? 0 : 1;
            if (keys[path] == null) {
                keys[path] = "user-" + i;
            }
        }
        return keys;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
