package dev.rollback.flags;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.flag.FlagListener;
import dev.rollback.core.guard.GuardState;
import dev.rollback.core.guard.ReleaseGuard;
import io.getunleash.DefaultUnleash;
import io.getunleash.FeatureDefinition;
import io.getunleash.MoreOperations;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.UnleashException;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.FeatureSet;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.impactmetrics.MetricsAPI;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import io.getunleash.variant.Variant;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link UnleashFlagSource} on a real {@link DefaultUnleash} client, polling WireMock as the Unleash
 * client API once a second. Each test has its own server (so that one may stop it) and its own
 * client executor (so that no client outlives its test in the SDK's shared one).
 */
class UnleashFlagSourceTest {

    private static final String FLAG = "checkout-v2";
    private static final String FEATURES = "/api/client/features";
    /** Enough for a change to be fetched (one poll) and for the poll after it to settle it. */
    private static final Duration POLLS = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private WireMockServer server;
    private final List<StubMapping> featureStubs = new ArrayList<>();
    private int etags;
    private final List<Unleash> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(post(urlPathMatching("/api/client/.*")).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stopClientsAndServer() {
        clients.forEach(Unleash::shutdown);
        server.stop();
    }

    // Serving the client API

    private static String features(boolean enabled, int rollout, String stickiness) {
        return "{\"version\":2,\"features\":[{\"name\":\"" + FLAG + "\",\"type\":\"release\",\"enabled\":" + enabled
                + ",\"project\":\"default\",\"stale\":false,\"strategies\":[{\"name\":\"flexibleRollout\","
                + "\"constraints\":[],\"parameters\":{\"groupId\":\"" + FLAG + "\",\"rollout\":\"" + rollout
                + "\",\"stickiness\":\"" + stickiness + "\"}}],\"variants\":[],\"impressionData\":false}],"
                + "\"query\":{\"environment\":\"development\"},\"meta\":{}}";
    }

    private static String features(boolean enabled, int rollout) {
        return features(enabled, rollout, "userId");
    }

    private void replaceFeatureStubs(MappingBuilder... stubs) {
        featureStubs.forEach(server::removeStub);
        featureStubs.clear();
        for (MappingBuilder stub : stubs) {
            featureStubs.add(server.stubFor(stub));
        }
    }

    /** Serves {@code body} as a real Unleash server does: with an ETag, and 304 to a client that has it. */
    private void serve(String body) {
        String etag = "\"v" + ++etags + "\"";
        replaceFeatureStubs(
                get(urlPathEqualTo(FEATURES)).atPriority(1).withHeader("If-None-Match", equalTo(etag))
                        .willReturn(aResponse().withStatus(304).withHeader("ETag", etag)),
                get(urlPathEqualTo(FEATURES)).atPriority(5).willReturn(okJson(body).withHeader("ETag", etag)));
    }

    /** Serves {@code body} without an ETag, so that every poll fetches it as changed. */
    private void serveWithoutEtag(String body) {
        replaceFeatureStubs(get(urlPathEqualTo(FEATURES)).willReturn(okJson(body)));
    }

    private void serveStatus(int status) {
        replaceFeatureStubs(get(urlPathEqualTo(FEATURES)).willReturn(aResponse().withStatus(status)));
    }

    private void serveGarbage() {
        replaceFeatureStubs(get(urlPathEqualTo(FEATURES)).willReturn(okJson("not json")));
    }

    // Clients

    private Unleash startClient(UnleashSubscriber subscriber, boolean synchronousFetch, Path backupFile) {
        String id = UUID.randomUUID().toString();
        Unleash unleash = new DefaultUnleash(UnleashConfig.builder()
                .appName("rollback-test-" + id)
                .instanceId(id)
                .unleashAPI(server.baseUrl() + "/api/")
                .apiKey("client-token")
                .fetchTogglesInterval(1)
                .synchronousFetchOnInitialisation(synchronousFetch)
                .disableMetrics()
                .subscriber(subscriber)
                .backupFile(backupFile.toString())
                .scheduledExecutor(new UnleashScheduledExecutorImpl())
                .build());
        clients.add(unleash);
        return unleash;
    }

    /** A client whose first fetch is done when it is returned, and a flag source on it. */
    private Fixture started() {
        List<String> timeline = new CopyOnWriteArrayList<>();
        RecordingSubscriber events = new RecordingSubscriber(timeline);
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(events);
        CountingUnleash unleash = new CountingUnleash(startClient(subscriber, true, tmp.resolve("backup.json")));
        UnleashFlagSource flags = UnleashFlagSource.builder(unleash, subscriber).build();
        RecordingListener listener = new RecordingListener(timeline);
        flags.addListener(listener);
        return new Fixture(flags, unleash, events, listener, timeline);
    }

    /**
     * A started client, its flag source, and one timeline of what the SDK reported (to the application's
     * subscriber) and what the flag source then told its listeners, in the order of the SDK's event thread.
     */
    private record Fixture(UnleashFlagSource flags, CountingUnleash unleash, RecordingSubscriber events,
                           RecordingListener listener, List<String> timeline) {

        /** Whether the flag source has taken an unchanged fetch, after which it caches decisions again. */
        boolean settled() {
            return timeline.contains("fetched NOT_CHANGED") && !flags.isSettling();
        }
    }

    private static Map<String, Boolean> decisions(UnleashFlagSource flags, List<String> keys) {
        Map<String, Boolean> decisions = new HashMap<>();
        keys.forEach(k -> decisions.put(k, flags.isEnabled(FLAG, k)));
        return decisions;
    }

    private static List<String> users(int count) {
        return IntStream.range(0, count).mapToObj(i -> "user-" + i).toList();
    }

    private static double shareOn(Map<String, Boolean> decisions) {
        return decisions.values().stream().filter(on -> on).count() / (double) decisions.size();
    }

    // Decisions

    @Test
    void enablesAFullyRolledOutFlagForKeyedAndKeylessCalls() {
        serve(features(true, 100));
        Fixture f = started();

        assertThat(decisions(f.flags(), users(100))).doesNotContainValue(false);
        assertThat(IntStream.range(0, 100).mapToObj(i -> f.flags().isEnabled(FLAG, null))).doesNotContain(false);
    }

    @Test
    void splitsAHalfRolloutByKeyAndKeepsEachKeyOnItsPath() {
        serve(features(true, 50));
        Fixture f = started();

        Map<String, Boolean> first = decisions(f.flags(), users(2_000));
        Map<String, Boolean> again = decisions(f.flags(), users(2_000));

        assertThat(shareOn(first)).isBetween(0.4, 0.6);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void splitsKeylessCallsOfAHalfRolloutAtRandom() {
        serve(features(true, 50));
        Fixture f = started();

        long on = IntStream.range(0, 4_000).filter(i -> f.flags().isEnabled(FLAG, null)).count();

        assertThat(on / 4_000.0).isBetween(0.4, 0.6);
        assertThat(f.unleash().userIds).allMatch(id -> id.startsWith("rollback-random-"))
                .hasSizeGreaterThan(UnleashFlagSource.RANDOM_KEYS * 3 / 4);
    }

    @Test
    void carriesTheKeyInTheConfiguredContextField() {
        serve(features(true, 50, "tenantId"));
        RecordingSubscriber events = new RecordingSubscriber();
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(events);
        Unleash unleash = startClient(subscriber, true, tmp.resolve("backup.json"));
        UnleashFlagSource flags = UnleashFlagSource.builder(unleash, subscriber).stickinessField("tenantId").build();

        Map<String, Boolean> first = decisions(flags, users(2_000));

        assertThat(shareOn(first)).isBetween(0.4, 0.6);
        assertThat(decisions(flags, users(2_000))).isEqualTo(first);
    }

    @Test
    void answersFalseForAFlagUnleashDoesNotKnow() {
        serve(features(true, 100));
        Fixture f = started();

        assertThat(f.flags().isEnabled("no-such-flag", "user-1")).isFalse();
        assertThat(f.flags().isEnabled("no-such-flag", null)).isFalse();
        assertThat(f.flags().isEnabled(FLAG, "user-1")).isTrue();
    }

    @Test
    void answersFalseWhileTheSdkHasNoToggles() {
        serveStatus(503);
        RecordingSubscriber events = new RecordingSubscriber();
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(events);
        Unleash unleash = startClient(subscriber, false, tmp.resolve("no-backup.json"));
        UnleashFlagSource flags = UnleashFlagSource.builder(unleash, subscriber).build();

        await().atMost(POLLS).until(() -> events.fetched(ClientFeaturesResponse.Status.UNAVAILABLE) > 0);

        assertThat(flags.isEnabled(FLAG, "user-1")).isFalse();
        assertThat(flags.isEnabled(FLAG, null)).isFalse();
    }

    @Test
    void answersFalseWithoutThrowingWhenTheSdkThrows() {
        UnleashFlagSource flags = UnleashFlagSource.builder(new ScriptedUnleash(() -> {
            throw new IllegalStateException("engine crashed");
        }), new UnleashFlagSubscriber()).errorLogInterval(Duration.ofMillis(1)).build();

        assertThat(flags.isEnabled(FLAG, "user-1")).isFalse();
        assertThat(flags.isEnabled(FLAG, "user-1")).isFalse();
        assertThat(flags.isEnabled(FLAG, null)).isFalse();
    }

    @Test
    void logsAThrowingSdkAtMostOncePerErrorLogInterval() {
        MockClock clock = new MockClock();
        UnleashFlagSource flags = UnleashFlagSource.builder(new ScriptedUnleash(() -> {
            throw new IllegalStateException("engine crashed");
        }), new UnleashFlagSubscriber()).clock(clock).errorLogInterval(Duration.ofMinutes(1)).build();

        assertLoggedOncePerMinute(flags, clock);
    }

    @Test
    void readsTheClockOfTheRegistryItIsGivenTo() {
        MockClock clock = new MockClock();
        UnleashFlagSource flags = UnleashFlagSource.builder(new ScriptedUnleash(() -> {
            throw new IllegalStateException("engine crashed");
        }), new UnleashFlagSubscriber()).errorLogInterval(Duration.ofMinutes(1)).build();

        RollbackRegistry registry = RollbackRegistry.builder().flagSource(flags)
                .meterRegistry(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock)).build();
        try {
            assertLoggedOncePerMinute(flags, clock);
        } finally {
            registry.close();
        }
    }

    /** Four failing calls over one virtual minute are logged twice: at the first, and a minute later. */
    private static void assertLoggedOncePerMinute(UnleashFlagSource flags, MockClock clock) {
        String logged = stdoutOf(() -> {
            flags.isEnabled(FLAG, "user-1");
            flags.isEnabled(FLAG, "user-2");
            clock.add(Duration.ofSeconds(59));
            flags.isEnabled(FLAG, "user-3");
            clock.add(Duration.ofSeconds(1));
            flags.isEnabled(FLAG, "user-4");
        });

        assertThat(logged.split("Unleash failed to evaluate flag '" + FLAG + "'", -1)).hasSize(3);
        assertThat(logged).contains("engine crashed");
    }

    /**
     * What {@code action} printed to System.out, where slf4j-simple logs in these tests (it looks the
     * stream up at every line: see simplelogger.properties).
     */
    private static String stdoutOf(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    // When the client API fails

    enum Failure { GARBAGE, SERVER_ERROR, SERVER_STOPPED }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void keepsTheLastKnownStateWhenTheClientApiFails(Failure failure) {
        serve(features(true, 100));
        Fixture f = started();
        assertThat(f.flags().isEnabled(FLAG, "user-1")).isTrue();
        int errors = f.events().errors.size();

        switch (failure) {
            case GARBAGE -> serveGarbage();
            case SERVER_ERROR -> serveStatus(500);
            case SERVER_STOPPED -> server.stop();
        }
        await().atMost(POLLS).until(() -> switch (failure) {
            // The SDK reports a fetch before it takes it as its state (and reports no error for garbage):
            // a second garbage fetch means it has had the first one.
            case GARBAGE -> f.events().garbage.get() > 1;
            case SERVER_ERROR -> f.events().fetched(ClientFeaturesResponse.Status.UNAVAILABLE) > 0;
            case SERVER_STOPPED -> f.events().errors.size() > errors;
        });

        assertThat(f.flags().isEnabled(FLAG, "user-1")).isTrue();
        assertThat(decisions(f.flags(), users(50))).doesNotContainValue(false);
        assertThat(f.flags().isEnabled(FLAG, null)).isTrue();
    }

    @Test
    void servesTheBackedUpStateWhenTheServerIsDownAtStart() {
        serve(features(true, 100));
        Path backup = tmp.resolve("shared-backup.json");
        Unleash first = startClient(new UnleashFlagSubscriber(), true, backup);
        assertThat(backup).exists();
        first.shutdown();
        serveStatus(503);

        RecordingSubscriber events = new RecordingSubscriber();
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(events);
        Unleash second = startClient(subscriber, false, backup);
        UnleashFlagSource flags = UnleashFlagSource.builder(second, subscriber).build();

        await().atMost(POLLS).until(() -> events.backupRestored.get() > 0
                && events.fetched(ClientFeaturesResponse.Status.UNAVAILABLE) > 0);
        assertThat(flags.isEnabled(FLAG, "user-1")).isTrue();
        assertThat(flags.isEnabled(FLAG, null)).isTrue();
    }

    // Changes in Unleash

    @Test
    void takesAChangeInUnleashWithinAPollEvenForCachedDecisions() {
        serve(features(true, 100));
        Fixture f = started();
        // Once the first fetch is settled, decisions come from the cache.
        await().atMost(POLLS).until(f::settled);
        List<String> keys = users(50);
        assertThat(decisions(f.flags(), keys)).doesNotContainValue(false);
        long calls = f.unleash().calls.get();
        assertThat(decisions(f.flags(), keys)).doesNotContainValue(false);
        assertThat(f.unleash().calls.get()).as("SDK calls for cached decisions").isEqualTo(calls);

        serve(features(false, 100));

        await().atMost(POLLS).untilAsserted(() -> assertThat(decisions(f.flags(), keys)).doesNotContainValue(true));
        assertThat(f.flags().isEnabled(FLAG, null)).isFalse();
        assertThat(f.listener().changed).contains((String) null);
    }

    // The local kill switch

    @Test
    void holdsARolledBackFlagOffWhateverUnleashSaysUntilReinstated() {
        serve(features(true, 100));
        Fixture f = started();
        assertThat(f.flags().isEnabled(FLAG, "user-1")).isTrue();

        f.flags().onRollback(FLAG, "wrong totals");

        assertThat(f.flags().isKilled(FLAG)).isTrue();
        assertThat(decisions(f.flags(), users(100))).doesNotContainValue(true);
        assertThat(f.flags().isEnabled(FLAG, null)).isFalse();
        assertThat(f.listener().changed).filteredOn(Objects::nonNull).containsExactly(FLAG);

        f.flags().onReinstate(FLAG);

        assertThat(f.flags().isKilled(FLAG)).isFalse();
        assertThat(decisions(f.flags(), users(100))).doesNotContainValue(false);
        assertThat(f.listener().changed).filteredOn(Objects::nonNull).containsExactly(FLAG, FLAG);
    }

    @Test
    void asksToReinstateWhenAPersonTurnsTheFlagBackOnAfterItWasSeenOff() {
        serve(features(true, 100));
        Fixture f = started();
        f.flags().onRollback(FLAG, "wrong totals");

        serve(features(false, 100)); // as the fleet-wide kill switch does
        await().atMost(POLLS).until(() -> f.events().flagStates.contains(Boolean.FALSE));
        assertThat(f.listener().reinstates).isEmpty();
        serve(features(true, 100)); // a person's decision

        await().atMost(POLLS).until(() -> f.listener().reinstates.contains(FLAG));
        // Asking is not reinstating: the flag stays off here until the guard reinstates the feature.
        assertThat(f.flags().isKilled(FLAG)).isTrue();
        assertThat(f.flags().isEnabled(FLAG, "user-1")).isFalse();
    }

    @Test
    void neverAsksToReinstateWhileTheFlagMerelyStaysOn() {
        serveWithoutEtag(features(true, 100)); // every poll is a changed fetch, each one read for reinstates
        Fixture f = started();
        f.flags().onRollback(FLAG, "wrong totals");
        int fetches = f.events().fetched(ClientFeaturesResponse.Status.CHANGED);

        await().atMost(POLLS).until(() -> f.events().fetched(ClientFeaturesResponse.Status.CHANGED) >= fetches + 3);

        assertThat(f.listener().reinstates).isEmpty();
        assertThat(f.flags().isKilled(FLAG)).isTrue();
        assertThat(f.flags().isEnabled(FLAG, "user-1")).isFalse();
    }

    // With a registry

    @Test
    void killsTheFlagOnAGuardRollbackAndReinstatesTheGuardWhenAPersonTurnsTheFlagBackOn() {
        serve(features(true, 100));
        Fixture f = started();
        try (RollbackRegistry registry = RollbackRegistry.builder().flagSource(f.flags()).build()) {
            ReleaseGuard guard = registry.guard(FLAG);
            assertThat(guard.call("user-1", () -> "new", () -> "old")).isEqualTo("new");

            guard.rollback("wrong totals");

            await().atMost(POLLS).until(() -> f.flags().isKilled(FLAG));
            assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
            assertThat(guard.call("user-2", () -> "new", () -> "old")).isEqualTo("old");

            serve(features(false, 100));
            await().atMost(POLLS).until(() -> f.events().flagStates.contains(Boolean.FALSE));
            assertThat(guard.state()).isEqualTo(GuardState.ROLLED_BACK);
            serve(features(true, 100));

            await().atMost(POLLS).until(() -> guard.state() != GuardState.ROLLED_BACK);
            await().atMost(POLLS).until(() -> !f.flags().isKilled(FLAG));
            assertThat(guard.call("user-1", () -> "new", () -> "old")).isEqualTo("new");
        }
    }

    // The subscriber

    @Test
    void forwardsEveryEventToTheDelegateSubscriber() throws Exception {
        List<String> forwarded = new CopyOnWriteArrayList<>();
        UnleashSubscriber delegate = (UnleashSubscriber) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {UnleashSubscriber.class}, (proxy, method, args) -> {
                    forwarded.add(method.getName());
                    return null;
                });
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(delegate);
        UnleashFlagSource.builder(new ScriptedUnleash(() -> true), subscriber).build();
        List<Method> events = Arrays.stream(UnleashSubscriber.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        String features = features(true, 100);

        for (Method event : events) {
            Class<?> type = event.getParameterTypes()[0];
            Object argument = type == ClientFeaturesResponse.class ? ClientFeaturesResponse.updated(features)
                    : type == FeatureSet.class ? new FeatureSet(features)
                    : type == UnleashException.class ? new UnleashException("fetch failed", null)
                    : null;
            event.invoke(subscriber, argument);
        }

        assertThat(events).hasSizeGreaterThanOrEqualTo(11);
        assertThat(forwarded).containsExactlyInAnyOrderElementsOf(events.stream().map(Method::getName).toList());
    }

    @Test
    void keepsTellingTheFlagSourceWhenTheDelegateSubscriberThrows() {
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber(new UnleashSubscriber() {
            @Override
            public void togglesFetched(ClientFeaturesResponse response) {
                throw new IllegalStateException("the application's own subscriber failed");
            }
        });
        UnleashFlagSource flags = UnleashFlagSource.builder(new ScriptedUnleash(() -> true), subscriber).build();
        RecordingListener listener = new RecordingListener();
        flags.addListener(listener);

        subscriber.togglesFetched(ClientFeaturesResponse.updated(features(false, 100)));

        assertThat(listener.changed).contains((String) null);
    }

    @Test
    void refusesASecondFlagSourceOnOneSubscriber() {
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber();
        Unleash unleash = new ScriptedUnleash(() -> true);
        UnleashFlagSource.builder(unleash, subscriber).build();

        assertThatThrownBy(() -> UnleashFlagSource.builder(unleash, subscriber).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already serves another UnleashFlagSource")
                .hasMessageContaining("one flag source per subscriber");
    }

    // Builder

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsABlankStickinessFieldNamingIt(String field) {
        UnleashFlagSource.Builder builder = UnleashFlagSource.builder(new ScriptedUnleash(() -> true),
                new UnleashFlagSubscriber());

        assertThatThrownBy(() -> builder.stickinessField(field)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stickinessField").hasMessageContaining(field == null ? "null" : "'" + field + "'");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void rejectsACacheOfFewerThanOneDecisionNamingTheSize(long size) {
        UnleashFlagSource.Builder builder = UnleashFlagSource.builder(new ScriptedUnleash(() -> true),
                new UnleashFlagSubscriber());

        assertThatThrownBy(() -> builder.cacheMaximumSize(size)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cacheMaximumSize").hasMessageContaining("was " + size);
    }

    @Test
    void rejectsAnErrorLogIntervalThatIsNotPositiveNamingIt() {
        UnleashFlagSource.Builder builder = UnleashFlagSource.builder(new ScriptedUnleash(() -> true),
                new UnleashFlagSubscriber());

        assertThatThrownBy(() -> builder.errorLogInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorLogInterval").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> builder.errorLogInterval(Duration.ofSeconds(-3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorLogInterval").hasMessageContaining("PT-3S");
        assertThatThrownBy(() -> builder.errorLogInterval(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorLogInterval").hasMessageContaining("null");
    }

    @Test
    void doesNotAttachTheSubscriberWhenTheBuilderIsNotBuilt() {
        UnleashFlagSubscriber subscriber = new UnleashFlagSubscriber();
        Unleash unleash = new ScriptedUnleash(() -> true);
        assertThatThrownBy(() -> UnleashFlagSource.builder(unleash, subscriber).cacheMaximumSize(0))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(UnleashFlagSource.builder(unleash, subscriber).build().isEnabled(FLAG, "user-1")).isTrue();
    }

    // Test doubles: Unleash is an interface, a true seam, so these are written out rather than mocked.

    /** An Unleash whose every decision comes from {@code answer}. */
    private static final class ScriptedUnleash implements Unleash {

        private final Supplier<Boolean> answer;

        ScriptedUnleash(Supplier<Boolean> answer) {
            this.answer = answer;
        }

        @Override
        public boolean isEnabled(String toggleName, UnleashContext context,
                                 BiPredicate<String, UnleashContext> fallbackAction) {
            return answer.get();
        }

        @Override
        public Variant getVariant(String toggleName, UnleashContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Variant getVariant(String toggleName, UnleashContext context, Variant defaultValue) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MoreOperations more() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MetricsAPI getImpactMetrics() {
            throw new UnsupportedOperationException();
        }
    }

    /** A real client that counts the decisions asked of it and the user ids they were asked for. */
    private static final class CountingUnleash implements Unleash {

        private final Unleash delegate;
        final AtomicLong calls = new AtomicLong();
        final Set<String> userIds = ConcurrentHashMap.newKeySet();

        CountingUnleash(Unleash delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean isEnabled(String toggleName, UnleashContext context,
                                 BiPredicate<String, UnleashContext> fallbackAction) {
            calls.incrementAndGet();
            context.getUserId().ifPresent(userIds::add);
            return delegate.isEnabled(toggleName, context, fallbackAction);
        }

        @Override
        public Variant getVariant(String toggleName, UnleashContext context) {
            return delegate.getVariant(toggleName, context);
        }

        @Override
        public Variant getVariant(String toggleName, UnleashContext context, Variant defaultValue) {
            return delegate.getVariant(toggleName, context, defaultValue);
        }

        @Override
        public MoreOperations more() {
            return delegate.more();
        }

        @Override
        public MetricsAPI getImpactMetrics() {
            return delegate.getImpactMetrics();
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }
    }

    /** The application's own subscriber: records what the SDK reported. */
    private static final class RecordingSubscriber implements UnleashSubscriber {

        private final List<String> timeline;
        final List<ClientFeaturesResponse.Status> fetched = new CopyOnWriteArrayList<>();
        /** Whether {@link #FLAG} was on, per changed fetch that named it. */
        final List<Boolean> flagStates = new CopyOnWriteArrayList<>();
        final AtomicInteger garbage = new AtomicInteger();
        final List<UnleashException> errors = new CopyOnWriteArrayList<>();
        final AtomicInteger backupRestored = new AtomicInteger();

        RecordingSubscriber() {
            this(new CopyOnWriteArrayList<>());
        }

        RecordingSubscriber(List<String> timeline) {
            this.timeline = timeline;
        }

        int fetched(ClientFeaturesResponse.Status status) {
            return (int) fetched.stream().filter(s -> s == status).count();
        }

        @Override
        public void togglesFetched(ClientFeaturesResponse response) {
            if (response.getStatus() == ClientFeaturesResponse.Status.CHANGED) {
                try {
                    Optional<Boolean> on = response.getFeatures().stream().filter(d -> d.getName().equals(FLAG))
                            .map(FeatureDefinition::environmentEnabled).findFirst();
                    on.ifPresent(flagStates::add);
                } catch (RuntimeException e) {
                    garbage.incrementAndGet();
                }
            }
            fetched.add(response.getStatus());
            timeline.add("fetched " + response.getStatus());
        }

        @Override
        public void onError(UnleashException error) {
            errors.add(error);
        }

        @Override
        public void featuresBackupRestored(FeatureSet features) {
            backupRestored.incrementAndGet();
        }
    }

    /** Records what the flag source told its listeners; {@code null} in {@link #changed} means any flag. */
    private static final class RecordingListener implements FlagListener {

        private final List<String> timeline;
        final List<String> changed = new CopyOnWriteArrayList<>();
        final List<String> reinstates = new CopyOnWriteArrayList<>();

        RecordingListener() {
            this(new CopyOnWriteArrayList<>());
        }

        RecordingListener(List<String> timeline) {
            this.timeline = timeline;
        }

        @Override
        public void flagChanged(String feature) {
            changed.add(feature);
            timeline.add("changed " + feature);
        }

        @Override
        public void reinstateRequested(String feature) {
            reinstates.add(feature);
        }
    }
}
