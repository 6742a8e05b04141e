package dev.rollback.flags.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.FeatureEvent;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.StateTransitionEvent;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.flags.KillSwitchEvent;
import dev.rollback.flags.UnleashFlagSource;
import dev.rollback.flags.UnleashFlagSubscriber;
import dev.rollback.flags.UnleashKillSwitch;
import dev.rollback.flags.UnleashKillSwitchConfig;
import io.getunleash.DefaultUnleash;
import io.getunleash.FeatureDefinition;
import io.getunleash.Unleash;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag source and the kill switch against a real Unleash server (7.5.1 in CI), through the real
 * Java SDK, with several "instances" (registry + SDK client each) in one JVM.
 *
 * <p>Needs the server of {@code .ci/start-unleash.sh} (after {@code .ci/start-postgres.sh}); skipped
 * without it, failed without it when {@code -Drollback.it.required=true}. Settings: system properties
 * {@code rollback.unleash.url}, {@code rollback.unleash.admin-token}, {@code rollback.unleash.client-token}
 * (or {@code ROLLBACK_UNLEASH_URL}, {@code ROLLBACK_UNLEASH_ADMIN_TOKEN}, {@code ROLLBACK_UNLEASH_CLIENT_TOKEN}).
 * Run alone with:
 * <pre>./mvnw -B -q -pl rollback-flags -am test -Dtest='RealUnleash*' -Dsurefire.failIfNoSpecifiedTests=false -Drollback.it.required=true</pre>
 *
 * <p>Every test uses flags of its own (random names), deleted afterwards. The SDK clients poll every
 * second, so what crosses the server takes one to a few seconds; every wait is bounded by
 * {@link UnleashServer#PROPAGATION_LIMIT}, a sanity limit, not a performance requirement.
 */
@Timeout(value = 45, unit = TimeUnit.SECONDS)
class RealUnleashTest {

    private static final String NEW = "new path";
    private static final String OLD = "old path";
    /**
     * For a flag on for everyone from the start: the old path never runs but as a fallback, so there is
     * neither a concurrent control nor a baseline to compare with, and an absolute limit decides.
     */
    private static final GuardConfig ON_FOR_EVERYONE = GuardConfig.custom().maximumErrorRate(0.5).build();
    /** The actor of a rollback the judge decided, as documented on {@link RollbackEvent#actor()}. */
    private static final String JUDGE = "judge";
    /** SDK clients are counted per JVM: the SDK logs an error for a second client of the same app and instance. */
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final List<Long> PROPAGATION_MILLIS = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path backups;

    private final UnleashServer server = new UnleashServer();
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @BeforeEach
    void requireUnleash() {
        UnleashServer.assumeReachable();
    }

    @AfterEach
    void closeInstancesAndDeleteFlags() throws Exception {
        try {
            while (!toClose.isEmpty()) {
                toClose.pop().close();
            }
        } finally {
            server.archiveCreatedFlags();
        }
    }

    @AfterAll
    static void printPropagationSummary() {
        if (PROPAGATION_MILLIS.isEmpty()) {
            return;
        }
        List<Long> sorted = PROPAGATION_MILLIS.stream().sorted().toList();
        System.out.println("propagation over " + sorted.size() + " runs: min " + sorted.get(0) + " ms, median "
                + sorted.get(sorted.size() / 2) + " ms, max " + sorted.get(sorted.size() - 1) + " ms");
    }

    @Test
    void splitsCallsByTheUnleashGradualRollout() {
        String flag = UnleashServer.uniqueFlagName("split");
        server.createFlagWithGradualRollout(flag, 50);
        Instance a = startInstanceSeeing("A", flag);
        Instance b = startInstanceSeeing("B", flag);
        ReleaseGuard guardA = a.registry.guard(flag);
        ReleaseGuard guardB = b.registry.guard(flag);

        Map<String, String> pathByKey = new LinkedHashMap<>();
        for (int i = 0; i < 2_000; i++) {
            String key = "user-" + i;
            pathByKey.put(key, guardA.call(key, () -> NEW, () -> OLD));
        }
        long onNewPath = pathByKey.values().stream().filter(NEW::equals).count();
        System.out.println("gradual rollout 50%: " + onNewPath + " of 2000 keyed calls took the new path");

        assertThat(onNewPath).as("calls on the new path under a 50% rollout").isBetween(800L, 1_200L);
        assertThat(guardA.state()).isEqualTo(GuardState.ROLLING_OUT);
        // The same key takes the same path again, and on another instance with its own SDK client:
        // Unleash's stickiness decides, not a cache of this instance.
        pathByKey.forEach((key, path) -> {
            assertThat(guardA.call(key, () -> NEW, () -> OLD)).as("path of %s on A, again", key).isEqualTo(path);
            assertThat(guardB.call(key, () -> NEW, () -> OLD)).as("path of %s on B", key).isEqualTo(path);
        });
    }

    @RepeatedTest(value = 5, name = RepeatedTest.LONG_DISPLAY_NAME)
    void rollsBackOnOneInstanceAndTurnsTheFlagOffForTheFleet() {
        String flag = UnleashServer.uniqueFlagName("fleet");
        server.createFlagOnForEveryone(flag);
        Instance a = startInstanceSeeing("A", flag);
        Instance b = startInstanceSeeing("B", flag);
        ReleaseGuard guardA = a.registry.guard(flag, ON_FOR_EVERYONE);
        ReleaseGuard guardB = b.registry.guard(flag, ON_FOR_EVERYONE);
        assertThat(guardB.call(() -> NEW, () -> OLD)).isEqualTo(NEW);
        AtomicLong rolledBackAt = new AtomicLong();
        AtomicLong killSwitchDoneAt = new AtomicLong();
        a.registry.getEventPublisher()
                .onRollback(e -> rolledBackAt.compareAndSet(0, System.nanoTime()))
                .onEvent(e -> {
                    if (e instanceof KillSwitchEvent) {
                        killSwitchDoneAt.compareAndSet(0, System.nanoTime());
                    }
                });

        // B polls once a second from its start, and the server refreshes what it serves to SDKs about
        // once a second: roll back at a random moment, so that the runs sample every phase of both.
        sleep(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1_000)));

        String logged;
        try (CapturedOutput output = CapturedOutput.start()) {
            killSwitch(UnleashServer.ADMIN_TOKEN).attachTo(a.registry);
            failUntilRolledBack(guardA, () -> {
                throw new IllegalStateException("checkout v2 is broken on instance A");
            });

            AtomicLong bOnOldPathAt = new AtomicLong();
            await("B on the old path").atMost(UnleashServer.PROPAGATION_LIMIT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(15)).until(() -> {
                        boolean old = OLD.equals(guardB.call(() -> NEW, () -> OLD));
                        if (old) {
                            bOnOldPathAt.set(System.nanoTime());
                        }
                        return old;
                    });
            long propagationMillis = TimeUnit.NANOSECONDS.toMillis(bOnOldPathAt.get() - rolledBackAt.get());
            await("kill switch event").atMost(UnleashServer.PROPAGATION_LIMIT).until(() -> killSwitchDoneAt.get() != 0);
            long killSwitchMillis = TimeUnit.NANOSECONDS.toMillis(killSwitchDoneAt.get() - rolledBackAt.get());
            PROPAGATION_MILLIS.add(propagationMillis);
            System.out.println("propagation: rollback on A -> B on the old path: " + propagationMillis
                    + " ms (of which the kill switch's request to Unleash: " + killSwitchMillis + " ms)");
            assertThat(Duration.ofMillis(propagationMillis)).isLessThan(UnleashServer.PROPAGATION_LIMIT);
            logged = output.text();
        }

        assertThat(a.events(RollbackEvent.class)).singleElement().satisfies(rollback -> {
            assertThat(rollback.actor()).isEqualTo(JUDGE);
            assertThat(rollback.scope()).isEqualTo(RollbackScope.FEATURE);
        });
        assertThat(a.events(KillSwitchEvent.class)).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.TURNED_OFF);
            assertThat(event.attempts()).isEqualTo(1);
            assertThat(event.httpStatus()).isEqualTo(200);
            assertThat(event.detail()).doesNotContain(UnleashServer.ADMIN_TOKEN);
        });
        await("flag off in Unleash").atMost(UnleashServer.PROPAGATION_LIMIT).until(() -> !server.isEnabled(flag));
        await("A's ledger").atMost(UnleashServer.PROPAGATION_LIMIT).untilAsserted(() ->
                assertThat(a.rollbacks()).extracting(RollbackRecord::actor, RollbackRecord::outcome)
                        .containsExactly(tuple(JUDGE, RollbackOutcome.SUCCEEDED)));
        assertThat(a.rollbacks()).allSatisfy(r -> assertThat(r.reason()).doesNotContain(UnleashServer.ADMIN_TOKEN));
        // B never judged anything bad: it follows the flag, it did not roll back itself.
        assertThat(guardB.state()).isNotEqualTo(GuardState.ROLLED_BACK);
        assertThat(b.events(RollbackEvent.class)).isEmpty();
        assertThat(b.flags.isKilled(flag)).isFalse();
        assertThat(b.rollbacks()).isEmpty();
        // What the kill switch logged, read back: it ran (INFO is on for it), and the token is not in it.
        assertThat(logged).contains("Kill switch: turned off flag '" + flag + "'")
                .doesNotContain(UnleashServer.ADMIN_TOKEN);
    }

    @Test
    void reinstatesWhenAPersonTurnsTheFlagBackOnInUnleash() {
        String flag = UnleashServer.uniqueFlagName("reinstate");
        server.createFlagOnForEveryone(flag);
        Instance a = startInstanceSeeing("A", flag);
        killSwitch(UnleashServer.ADMIN_TOKEN).attachTo(a.registry);
        ReleaseGuard guard = a.registry.guard(flag, ON_FOR_EVERYONE);
        AtomicBoolean broken = new AtomicBoolean(true);
        Supplier<String> newPath = () -> {
            if (broken.get()) {
                throw new IllegalStateException("checkout v2 is broken");
            }
            return NEW;
        };

        int beforeRollback = a.fetched.size();
        failUntilRolledBack(guard, newPath);
        broken.set(false);
        awaitSeenBy(a, flag, false, beforeRollback);
        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(guard.call(newPath, () -> OLD)).isEqualTo(OLD);

        server.turnOn(flag);

        await("A on the new path again").atMost(UnleashServer.PROPAGATION_LIMIT).pollInterval(Duration.ofMillis(20))
                .until(() -> NEW.equals(guard.call(newPath, () -> OLD)));
        assertThat(guard.state()).isEqualTo(GuardState.ROLLING_OUT);
        assertThat(a.flags.isKilled(flag)).isFalse();
        assertThat(a.events(StateTransitionEvent.class))
                .extracting(t -> t.from() + "->" + t.to())
                .containsSubsequence("ROLLING_OUT->ROLLED_BACK", "ROLLED_BACK->OFF", "OFF->ROLLING_OUT");
        // Judged afresh: the failures from before the rollback are forgotten, so a healthy new path stays on.
        for (int i = 0; i < 500; i++) {
            assertThat(guard.call(newPath, () -> OLD)).isEqualTo(NEW);
        }
        assertThat(guard.state()).isEqualTo(GuardState.ROLLING_OUT);
        assertThat(a.events(RollbackEvent.class)).hasSize(1);
    }

    @Test
    void staysRolledBackWhileTheFlagMerelyStaysOnInUnleash() {
        String flag = UnleashServer.uniqueFlagName("stays-on");
        server.createFlagOnForEveryone(flag);
        Instance a = startInstanceSeeing("A", flag);   // no kill switch: nothing turns the flag off in Unleash
        ReleaseGuard guard = a.registry.guard(flag, ON_FOR_EVERYONE);

        failUntilRolledBack(guard, () -> {
            throw new IllegalStateException("checkout v2 is broken");
        });
        await("flag source told of the rollback").atMost(UnleashServer.PROPAGATION_LIMIT)
                .until(() -> a.flags.isKilled(flag));
        int mark = a.fetched.size();
        // A change elsewhere in Unleash, so that A fetches new toggles in which this flag is still on.
        String other = UnleashServer.uniqueFlagName("elsewhere");
        server.createFlagOnForEveryone(other);
        await("3 polls, one with new toggles").atMost(UnleashServer.PROPAGATION_LIMIT).until(() -> {
            List<ClientFeaturesResponse> since = a.fetchedSince(mark);
            // One more than 3: the delegate hears of a fetch just before the flag source does.
            return since.size() >= 4 && since.stream().anyMatch(r -> enabledIn(r, other).isPresent()
                    && enabledIn(r, flag).orElse(false));
        });

        assertThat(server.isEnabled(flag)).isTrue();
        assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
        assertThat(guard.call(() -> NEW, () -> OLD)).isEqualTo(OLD);
        assertThat(a.flags.isKilled(flag)).isTrue();
        assertThat(a.events(StateTransitionEvent.class)).noneMatch(t -> t.from() == GuardState.ROLLED_BACK);
    }

    @Test
    void takesTheOldPathForAnUnknownFlag() {
        String known = UnleashServer.uniqueFlagName("known");
        String unknown = UnleashServer.uniqueFlagName("unknown");   // never created
        server.createFlagOnForEveryone(known);
        Instance a = startInstanceSeeing("A", known);
        ReleaseGuard guard = a.registry.guard(unknown);

        assertThat(a.unleash.more().getFeatureToggleNames()).contains(known).doesNotContain(unknown);
        for (int i = 0; i < 100; i++) {
            assertThat(guard.call("user-" + i, () -> NEW, () -> OLD)).isEqualTo(OLD);
            assertThat(guard.call(() -> NEW, () -> OLD)).isEqualTo(OLD);
        }
        assertThat(guard.state()).isEqualTo(GuardState.OFF);
        // The same client puts a known flag's calls on the new path: the old path is the unknown flag's doing.
        assertThat(a.registry.guard(known).call(() -> NEW, () -> OLD)).isEqualTo(NEW);
    }

    @Test
    void killSwitchWithAClientTokenIsRefusedOnceAndNotRetried() {
        String flag = UnleashServer.uniqueFlagName("client-token");
        server.createFlagOnForEveryone(flag);
        RollbackRegistry registry = register(RollbackRegistry.builder()
                .service("checkout", "1.0").instanceId("A").build());
        List<KillSwitchEvent> outcomes = new CopyOnWriteArrayList<>();
        registry.getEventPublisher().onEvent(e -> {
            if (e instanceof KillSwitchEvent k) {
                outcomes.add(k);
            }
        });

        String logged;
        try (CapturedOutput output = CapturedOutput.start()) {
            UnleashKillSwitch killSwitch = new UnleashKillSwitch(killSwitchConfig(UnleashServer.CLIENT_TOKEN)
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(100)).build());
            toClose.push(killSwitch);
            killSwitch.attachTo(registry);
            registry.guard(flag).rollback("rolled back by hand in a test");

            await("kill switch outcome").atMost(UnleashServer.PROPAGATION_LIMIT).until(() -> !outcomes.isEmpty());
            // Long enough for several retries at a 50 ms backoff, had there been any.
            await("no retry, flag still on").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> outcomes.size() == 1 && server.isEnabled(flag));
            logged = output.text();
        }

        assertThat(outcomes).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(KillSwitchEvent.Outcome.UNAUTHORIZED);
            assertThat(event.attempts()).isEqualTo(1);
            assertThat(event.httpStatus()).isEqualTo(403);
            assertThat(event.detail()).doesNotContain(UnleashServer.CLIENT_TOKEN);
        });
        assertThat(server.isEnabled(flag)).isTrue();
        assertThat(logged).contains("refused the kill switch's token (HTTP 403)")
                .doesNotContain(UnleashServer.CLIENT_TOKEN).doesNotContain(UnleashServer.ADMIN_TOKEN);
    }

    // --- instances

    /** One service instance: its own SDK client (polling every second), flag source and registry. */
    private final class Instance {
        final Unleash unleash;
        final UnleashFlagSource flags;
        final RollbackRegistry registry;
        final List<FeatureEvent> events = new CopyOnWriteArrayList<>();
        /** Every fetch the SDK reported, in order. */
        final List<ClientFeaturesResponse> fetched = new CopyOnWriteArrayList<>();

        Instance(String id) {
            int n = CLIENTS.incrementAndGet();
            UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(new UnleashSubscriber() {
                @Override
                public void togglesFetched(ClientFeaturesResponse response) {
                    fetched.add(response);
                }
            });
            // An executor per client: the SDK's default is one per JVM, and shutting down any client
            // shuts it down, which would stop the other clients' polling.
            UnleashScheduledExecutorImpl executor = new UnleashScheduledExecutorImpl();
            this.unleash = new DefaultUnleash(UnleashConfig.builder()
                    .appName("rollback-it-" + n)
                    .instanceId("instance-" + id + "-" + n)
                    .unleashAPI(UnleashServer.URL + "/api/")
                    .apiKey(UnleashServer.CLIENT_TOKEN)
                    .fetchTogglesInterval(1)
                    .synchronousFetchOnInitialisation(true)
                    .disableMetrics()
                    .scheduledExecutor(executor)
                    .subscriber(subscriber)
                    .backupFile(backups.resolve("unleash-backup-" + n + ".json").toString())
                    .build());
            toClose.push(unleash::shutdown);
            this.flags = UnleashFlagSource.builder(unleash, subscriber).build();
            this.registry = register(RollbackRegistry.builder()
                    .flagSource(flags).service("checkout", "1.0").instanceId(id).build());
            registry.getEventPublisher().onEvent(events::add);
        }

        <E extends FeatureEvent> List<E> events(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<RollbackRecord> rollbacks() {
            return registry.ledger().rollbacks(registry.deployment().id());
        }

        List<ClientFeaturesResponse> fetchedSince(int mark) {
            return fetched.subList(mark, fetched.size());
        }
    }

    /**
     * Starts an instance once Unleash serves {@code flag}, and waits until its SDK has it, so that
     * the test starts from the flag as configured.
     */
    private Instance startInstanceSeeing(String id, String flag) {
        server.awaitServedToClients(flag, true);
        Instance instance = new Instance(id);
        await("SDK of " + id + " has '" + flag + "'").atMost(UnleashServer.PROPAGATION_LIMIT)
                .until(() -> instance.unleash.more().getFeatureToggleDefinition(flag)
                        .map(FeatureDefinition::environmentEnabled).orElse(false));
        return instance;
    }

    private RollbackRegistry register(RollbackRegistry registry) {
        toClose.push(registry);
        return registry;
    }

    /**
     * Waits until the instance's flag source has been told of new toggles, fetched after
     * {@code mark}, in which {@code flag} is {@code enabled}.
     */
    private static void awaitSeenBy(Instance instance, String flag, boolean enabled, int mark) {
        await("A fetched '" + flag + "' " + (enabled ? "on" : "off")).atMost(UnleashServer.PROPAGATION_LIMIT)
                .until(() -> {
                    List<ClientFeaturesResponse> since = instance.fetchedSince(mark);
                    for (int i = 0; i < since.size() - 1; i++) {   // and one fetch after it, as above
                        if (enabledIn(since.get(i), flag).orElse(!enabled) == enabled) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    private static Optional<Boolean> enabledIn(ClientFeaturesResponse response, String flag) {
        if (response.getStatus() != ClientFeaturesResponse.Status.CHANGED) {
            return Optional.empty();
        }
        return response.getFeatures().stream().filter(f -> f.getName().equals(flag)).findFirst()
                .map(FeatureDefinition::environmentEnabled);
    }

    private static void failUntilRolledBack(ReleaseGuard guard, Supplier<String> failingNewPath) {
        for (int i = 0; i < 10_000 && guard.state() != GuardState.ROLLED_BACK; i++) {
            assertThat(guard.call(failingNewPath, () -> OLD)).isEqualTo(OLD);
        }
        assertThat(guard.state()).as("state after up to 10,000 calls whose new path fails")
                .isEqualTo(GuardState.ROLLED_BACK);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // --- kill switch

    private static UnleashKillSwitchConfig.Builder killSwitchConfig(String token) {
        return UnleashKillSwitchConfig.custom()
                .adminUrl(UnleashServer.URL)
                .token(token)
                .project(UnleashServer.PROJECT)
                .environment(UnleashServer.ENVIRONMENT);
    }

    private UnleashKillSwitch killSwitch(String token) {
        UnleashKillSwitch killSwitch = new UnleashKillSwitch(killSwitchConfig(token).build());
        toClose.push(killSwitch);
        return killSwitch;
    }
}
