package dev.rollback.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import dev.rollback.core.flag.FlagListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@code UnleashFlagSourceTest}, on the OpenFeature SDK's own
 * {@link InMemoryProvider}, each test with a provider of its own in a domain of its own.
 */
class OpenFeatureFlagSourceTest {

    private static final String FEATURE = "checkout-v2";
    private static final Set<String> ON_KEYS = Set.of("alice", "bob");

    private final String domain = "test-" + UUID.randomUUID();
    private final AtomicInteger evaluations = new AtomicInteger();
    private final List<String> reinstates = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private InMemoryProvider provider;
    private Client client;
    private OpenFeatureFlagSource source;

    @BeforeEach
    void setUp() {
        provider = new InMemoryProvider(Map.of(FEATURE, onFor(ON_KEYS::contains)));
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, provider);
        client = OpenFeatureAPI.getInstance().getClient(domain);
        client.addHooks(new Hook<Boolean>() {
            @Override
            public Optional<EvaluationContext> before(HookContext<Boolean> ctx, Map<String, Object> hints) {
                evaluations.incrementAndGet();
                return Optional.empty();
            }
        });
        source = OpenFeatureFlagSource.builder(client).build();
        source.addListener(new FlagListener() {
            @Override
            public void flagChanged(String feature) {
                changes.incrementAndGet();
            }

            @Override
            public void reinstateRequested(String feature) {
                reinstates.add(feature);
            }
        });
    }

    @AfterEach
    void tearDown() {
        source.close();
    }

    /** A boolean flag on for the targeting keys a predicate accepts. */
    private static Flag<Boolean> onFor(Predicate<String> keys) {
        return Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant("off")
                .contextEvaluator((flag, ctx) -> keys.test(ctx.getTargetingKey())).build();
    }

    private static Flag<Boolean> fixed(boolean on) {
        return Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant(on ? "on" : "off")
                .build();
    }

    /** Waits until the source has seen the change the provider reported (events are asynchronous). */
    private void change(Flag<Boolean> flag) {
        int before = changes.get();
        provider.updateFlag(FEATURE, flag);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.get() > before);
    }

    @Test
    void theStickinessKeyIsTheTargetingKey() {
        assertThat(source.isEnabled(FEATURE, "alice")).isTrue();
        assertThat(source.isEnabled(FEATURE, "bob")).isTrue();
        assertThat(source.isEnabled(FEATURE, "carol")).isFalse();
    }

    @Test
    void aWarmDecisionMakesNoProviderCall() {
        source.isEnabled(FEATURE, "alice");
        source.isEnabled(FEATURE, "carol");
        int cold = evaluations.get();

        for (int i = 0; i < 1000; i++) {
            assertThat(source.isEnabled(FEATURE, "alice")).isTrue();
            assertThat(source.isEnabled(FEATURE, "carol")).isFalse();
        }

        assertThat(cold).isEqualTo(2);
        assertThat(evaluations.get()).isEqualTo(cold);
    }

    @Test
    void aConfigurationChangeDropsTheCachedDecisions() {
        assertThat(source.isEnabled(FEATURE, "alice")).isTrue();

        change(fixed(false));

        assertThat(source.isEnabled(FEATURE, "alice")).isFalse();
        assertThat(evaluations.get()).as("evaluated again after the change").isEqualTo(2);
    }

    @Test
    void anUnknownFlagTakesTheOldPathAndIsAskedAgainNextTime() {
        assertThat(source.isEnabled("no-such-flag", "alice")).isFalse();
        assertThat(source.isEnabled("no-such-flag", "alice")).isFalse();

        assertThat(evaluations.get()).as("an error is not cached").isEqualTo(2);
    }

    @Test
    void anEvaluationErrorTakesTheOldPath() {
        change(Flag.<Boolean>builder().variant("on", "yes").defaultVariant("on").build());

        assertThat(source.isEnabled(FEATURE, "alice")).as("a string flag: TYPE_MISMATCH").isFalse();
        assertThat(source.isActive(FEATURE)).isFalse();
    }

    @Test
    void aHookThatThrowsTakesTheOldPath() {
        client.addHooks(new Hook<Boolean>() {
            @Override
            public Optional<EvaluationContext> before(HookContext<Boolean> ctx, Map<String, Object> hints) {
                throw new IllegalStateException("broken hook");
            }
        });

        assertThat(source.isEnabled(FEATURE, "alice")).isFalse();
    }

    @Test
    void aProviderThatIsNotReadyTakesTheOldPathWithoutAskingIt() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        InMemoryProvider slow = new InMemoryProvider(Map.of(FEATURE, fixed(true))) {
            @Override
            public void initialize(EvaluationContext context) throws Exception {
                ready.await();
                super.initialize(context);
            }
        };
        String slowDomain = domain + "-slow";
        OpenFeatureAPI.getInstance().setProvider(slowDomain, slow);
        Client slowClient = OpenFeatureAPI.getInstance().getClient(slowDomain);
        try (OpenFeatureFlagSource notReady = OpenFeatureFlagSource.builder(slowClient).build()) {
            assertThat(notReady.isEnabled(FEATURE, "alice")).isFalse();
            assertThat(notReady.isActive(FEATURE)).isFalse();

            ready.countDown();

            await().atMost(Duration.ofSeconds(5)).until(() -> notReady.isEnabled(FEATURE, "alice"));
        }
    }

    @Test
    void theLocalKillSwitchSurvivesTheProviderSayingOn() {
        assertThat(source.isEnabled(FEATURE, "alice")).isTrue();

        source.onRollback(FEATURE, "error rate 5% vs 0.1%");
        change(onFor(ON_KEYS::contains));

        assertThat(source.isEnabled(FEATURE, "alice")).isFalse();
        assertThat(source.isKilled(FEATURE)).isTrue();
        assertThat(source.isActive(FEATURE)).isFalse();
        assertThat(reinstates).as("a flag that merely stays on does not reinstate").isEmpty();
    }

    @Test
    void aPersonTurningTheFlagBackOnAfterTheRollbackReinstates() {
        source.onRollback(FEATURE, "latency");
        change(fixed(false));
        assertThat(reinstates).isEmpty();

        change(onFor(ON_KEYS::contains));

        assertThat(reinstates).containsExactly(FEATURE);
        source.onReinstate(FEATURE);
        assertThat(source.isEnabled(FEATURE, "alice")).isTrue();
    }

    @Test
    void aFlagAlreadyOffAtTheRollbackReinstatesWhenTurnedOn() {
        change(fixed(false));
        source.onRollback(FEATURE, "latency");

        change(fixed(true));

        assertThat(reinstates).containsExactly(FEATURE);
    }

    @Test
    void isActiveWhenTheFlagIsOnForSomeKeys() {
        change(onFor(key -> key.hashCode() % 10 == 0));
        assertThat(source.isActive(FEATURE)).isTrue();

        change(fixed(false));
        assertThat(source.isActive(FEATURE)).isFalse();
        assertThat(source.isActive("no-such-flag")).isFalse();
    }

    @Test
    void keylessCallsAreSplitAtRandomByTheRollout() {
        change(onFor(key -> Math.floorMod(key.hashCode(), 2) == 0));
        int on = 0;
        for (int i = 0; i < 4000; i++) {
            on += source.isEnabled(FEATURE, null) ? 1 : 0;
        }

        assertThat(on).isBetween(1000, 3000);
    }

    @Test
    void closingStopsListeningToTheClient() {
        assertThat(source.isEnabled(FEATURE, "alice")).isTrue();
        source.close();
        int before = changes.get();
        AtomicInteger seenByTheApplication = new AtomicInteger();
        client.onProviderConfigurationChanged(details -> seenByTheApplication.incrementAndGet());

        provider.updateFlag(FEATURE, fixed(false));

        await().atMost(Duration.ofSeconds(5)).until(() -> seenByTheApplication.get() > 0);
        assertThat(client.getBooleanValue(FEATURE, true)).isFalse();
        assertThat(changes.get()).isEqualTo(before);
        assertThat(source.isEnabled(FEATURE, "alice")).as("its cache was not told").isTrue();
    }
}
