package dev.rollback.flags;

import static dev.rollback.core.check.Arguments.requirePositive;
import static dev.rollback.core.check.Arguments.requireText;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rollback.core.flag.FlagListener;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.internal.ThrottledLog;
import io.getunleash.FeatureDefinition;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.event.ClientFeaturesResponse;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unleash as the {@link FlagSource} of the release guards, with a local kill switch in front of it.
 *
 * <p><b>Decisions.</b> A call's stickiness key goes into the Unleash context (as {@code userId} by
 * default, see {@link Builder#stickinessField(String)}), so a gradual rollout strategy in Unleash
 * decides the share of calls on the new path, and a key stays on its path. A call without a key gets
 * one of {@value #RANDOM_KEYS} synthetic keys at random, so that a percentage rollout still splits
 * keyless calls at random. The SDK costs microseconds a call; decisions are cached per feature and
 * key (Caffeine, bounded), and every cached decision is dropped the moment the SDK reports changed
 * toggles. The SDK reports the change just before it applies it, so for one more poll after a change
 * nothing is cached; a change in Unleash takes effect here within one poll.
 *
 * <p><b>Never the new path by accident.</b> An unknown flag, an SDK that has no toggles yet (not
 * ready, server unreachable and no backup), or an SDK that throws: the old path. A throwing SDK is
 * logged at most once per {@link Builder#errorLogInterval(Duration)}.
 *
 * <p><b>Local kill switch.</b> Once a guard rolls a feature back on this instance, the feature stays
 * off here whatever the SDK says, until it is reinstated: by {@code ReleaseGuard#reinstate()}, or by
 * a person turning the flag back on in Unleash after the rollback. The toggle events tell which: the
 * flag must be seen off in Unleash after the rollback (as {@link UnleashKillSwitch} makes it), then
 * on again. A flag that merely stays on does not reinstate.
 */
public final class UnleashFlagSource implements FlagSource, UnleashFlagSubscriber.Listener {

    private static final Logger log = LoggerFactory.getLogger(UnleashFlagSource.class);

    /** How many synthetic keys split keyless calls. */
    static final int RANDOM_KEYS = 1024;
    private static final String[] RANDOM_KEY_NAMES = new String[RANDOM_KEYS];

    static {
        for (int i = 0; i < RANDOM_KEYS; i++) {
            RANDOM_KEY_NAMES[i] = "rollback-random-" + i;
        }
    }

    /** Default {@link Builder#stickinessField(String)}: {@code userId}. */
    public static final String DEFAULT_STICKINESS_FIELD = "userId";
    /** Default {@link Builder#cacheMaximumSize(long)} per feature: 10,000 decisions. */
    public static final long DEFAULT_CACHE_MAXIMUM_SIZE = 10_000;
    /** Default {@link Builder#errorLogInterval(Duration)}: one minute. */
    public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

    private final Unleash unleash;
    private final Function<String, UnleashContext> contextOf;
    private final String stickinessField;
    private final long cacheMaximumSize;
    /** The builder's clock, or else the listening registry's (read on every use, so it may change once). */
    private volatile Clock clock;
    private final boolean clockGiven;
    private final Clock currentClock = new Clock() {
        @Override
        public long wallTime() {
            return clock.wallTime();
        }

        @Override
        public long monotonicTime() {
            return clock.monotonicTime();
        }
    };
    private final long errorLogIntervalNanos;
    private final ThrottledLog errorLog;
    private final Map<String, Feature> features = new ConcurrentHashMap<>();
    private final List<FlagListener> listeners = new CopyOnWriteArrayList<>();
    /** True from a reported change until the next fetch, while the SDK may still serve the old toggles. */
    private volatile boolean settling;
    /** The toggles of the last fetch, read and written on the SDK's event thread only. */
    private String lastToggles;

    /** Whether a rolled back feature was seen off in Unleash since its rollback. */
    private enum Kill { NONE, KILLED, SEEN_OFF }

    /** One feature's cached decisions and kill state. */
    private final class Feature {
        final String name;
        final Cache<String, Boolean> decisions;
        volatile Kill kill = Kill.NONE;

        Feature(String name) {
            this.name = name;
            this.decisions = Caffeine.newBuilder()
                    .maximumSize(cacheMaximumSize)
                    .ticker(currentClock::monotonicTime)
                    .executor(Runnable::run)
                    .build();
        }
    }

    private UnleashFlagSource(Builder b) {
        this.unleash = b.unleash;
        this.stickinessField = b.stickinessField;
        this.contextOf = contextFactory(b.stickinessField);
        this.cacheMaximumSize = b.cacheMaximumSize;
        this.clockGiven = b.clock != null;
        this.clock = clockGiven ? b.clock : Clock.SYSTEM;
        this.errorLogIntervalNanos = b.errorLogInterval.toNanos();
        this.errorLog = new ThrottledLog(currentClock, errorLogIntervalNanos);
        b.subscriber.attach(this);
    }

    /**
     * Returns a builder for a flag source on {@code unleash}, which must have been configured with
     * {@code subscriber}.
     *
     * @param unleash    the Unleash client; the flag source never creates one of its own
     * @param subscriber the subscriber passed to that client's configuration
     * @return the builder
     */
    public static Builder builder(Unleash unleash, UnleashFlagSubscriber subscriber) {
        return new Builder(unleash, subscriber);
    }

    private static Function<String, UnleashContext> contextFactory(String field) {
        return switch (field) {
            case "userId" -> key -> UnleashContext.builder().userId(key).build();
            case "sessionId" -> key -> UnleashContext.builder().sessionId(key).build();
            case "remoteAddress" -> key -> UnleashContext.builder().remoteAddress(key).build();
            default -> key -> UnleashContext.builder().addProperty(field, key).build();
        };
    }

    @Override
    public boolean isEnabled(String feature, @Nullable String stickinessKey) {
        Feature f = feature(feature);
        if (f.kill != Kill.NONE) {
            return false;
        }
        String key = stickinessKey != null ? stickinessKey
                : RANDOM_KEY_NAMES[ThreadLocalRandom.current().nextInt(RANDOM_KEYS)];
        if (settling) {
            return evaluate(feature, key);
        }
        Boolean cached = f.decisions.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        boolean decision = evaluate(feature, key);
        if (!settling && f.kill == Kill.NONE) {
            f.decisions.put(key, decision);
        }
        return decision;
    }

    private Feature feature(String name) {
        Feature f = features.get(name);
        return f != null ? f : features.computeIfAbsent(name, Feature::new);
    }

    private boolean evaluate(String feature, String key) {
        try {
            return unleash.isEnabled(feature, contextOf.apply(key), false);
        } catch (RuntimeException e) {
            logThrottled(feature, e);
            return false;
        }
    }

    private void logThrottled(String feature, RuntimeException e) {
        if (errorLog.tryAcquire() > 0) {
            log.warn("Unleash failed to evaluate flag '{}'; taking the old path (logged at most once per {})",
                    feature, Duration.ofNanos(errorLogIntervalNanos), e);
        }
    }

    @Override
    public boolean isActive(String feature) {
        Feature f = features.get(feature);
        return (f == null || f.kill == Kill.NONE) && enabledInSdk(feature);
    }

    @Override
    public void onRollback(String feature, String reason) {
        Feature f = feature(feature);
        // If the SDK already holds the flag off (another instance's kill switch came first), a person
        // turning it on later must count as a reinstate, without a fetch that shows it off again.
        f.kill = enabledInSdk(feature) ? Kill.KILLED : Kill.SEEN_OFF;
        f.decisions.invalidateAll();
        log.info("Flag '{}' is off on this instance until it is reinstated: {}", feature, reason);
        listeners.forEach(l -> l.flagChanged(feature));
    }

    private boolean enabledInSdk(String feature) {
        try {
            return unleash.more().getFeatureToggleDefinition(feature).map(FeatureDefinition::environmentEnabled)
                    .orElse(false);
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Override
    public void onReinstate(String feature) {
        Feature f = feature(feature);
        f.kill = Kill.NONE;
        f.decisions.invalidateAll();
        listeners.forEach(l -> l.flagChanged(feature));
    }

    @Override
    public void addListener(FlagListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        if (!clockGiven) {
            clock = listener.clock();
        }
    }

    @Override
    public void removeListener(FlagListener listener) {
        listeners.remove(listener);
    }

    /**
     * Returns whether {@code feature} is held off on this instance by a rollback.
     *
     * @param feature the feature
     * @return whether it is killed here
     */
    public boolean isKilled(String feature) {
        Feature f = features.get(feature);
        return f != null && f.kill != Kill.NONE;
    }

    /** Whether a reported change may not be applied yet, so that nothing is cached: for tests. */
    boolean isSettling() {
        return settling;
    }

    // Called on the SDK's event thread.

    @Override
    public void togglesFetched(ClientFeaturesResponse response) {
        // A server (or proxy) that sends no ETag makes every poll CHANGED; the same toggles are no change.
        String toggles = response.getClientFeatures().orElse(null);
        boolean changed = response.getStatus() == ClientFeaturesResponse.Status.CHANGED
                && (toggles == null || !toggles.equals(lastToggles));
        if (toggles != null) {
            lastToggles = toggles;
        }
        if (changed) {
            settling = true;
            dropDecisions();
            watchForReinstates(response);
        } else if (settling) {
            // This fetch came after the changed one was applied: what the SDK answers now is current.
            settling = false;
            dropDecisions();
        }
    }

    @Override
    public void stateReplaced() {
        dropDecisions();
    }

    private void dropDecisions() {
        features.values().forEach(f -> f.decisions.invalidateAll());
        listeners.forEach(l -> l.flagChanged(null));
    }

    private void watchForReinstates(ClientFeaturesResponse response) {
        if (features.values().stream().allMatch(f -> f.kill == Kill.NONE)) {
            return;
        }
        Map<String, Boolean> enabled = new HashMap<>();
        for (FeatureDefinition definition : response.getFeatures()) {
            enabled.put(definition.getName(), definition.environmentEnabled());
        }
        for (Feature f : features.values()) {
            boolean on = Optional.ofNullable(enabled.get(f.name)).orElse(false);
            if (f.kill == Kill.KILLED && !on) {
                f.kill = Kill.SEEN_OFF;
            } else if (f.kill == Kill.SEEN_OFF && on) {
                log.info("Flag '{}' was turned back on in Unleash after its rollback: reinstating it", f.name);
                listeners.forEach(l -> l.reinstateRequested(f.name));
            }
        }
    }

    @Override
    public String toString() {
        return "UnleashFlagSource{stickinessField=" + stickinessField + ", features=" + features.keySet() + '}';
    }

    /**
     * Builds an {@link UnleashFlagSource}. Not thread-safe.
     */
    public static final class Builder {

        private final Unleash unleash;
        private final UnleashFlagSubscriber subscriber;
        private String stickinessField = DEFAULT_STICKINESS_FIELD;
        private long cacheMaximumSize = DEFAULT_CACHE_MAXIMUM_SIZE;
        private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
        private @Nullable Clock clock;

        private Builder(Unleash unleash, UnleashFlagSubscriber subscriber) {
            this.unleash = Objects.requireNonNull(unleash, "unleash");
            this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        }

        /**
         * Sets the Unleash context field that carries a call's stickiness key: {@code userId},
         * {@code sessionId}, {@code remoteAddress}, or the name of a custom context property. Use
         * the same field as the stickiness of the flag's rollout strategy. Default {@code userId}.
         *
         * @param field the field name, not blank
         * @return this builder
         */
        public Builder stickinessField(String field) {
            this.stickinessField = requireText("stickinessField", field);
            return this;
        }

        /**
         * Sets how many decisions are cached per feature. Default 10,000.
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder cacheMaximumSize(long size) {
            if (size < 1) {
                throw new IllegalArgumentException("cacheMaximumSize must be at least 1, was " + size);
            }
            this.cacheMaximumSize = size;
            return this;
        }

        /**
         * Sets how often, at most, a failing SDK is logged. Default one minute.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder errorLogInterval(Duration interval) {
            this.errorLogInterval = requirePositive("errorLogInterval", interval);
            return this;
        }

        /**
         * Sets the clock the cache and the log throttle read. Default: the clock of the registry the
         * flag source is given to ({@link FlagListener#clock()}), and the system clock until then.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the flag source and attaches it to the subscriber.
         *
         * @return the flag source
         * @throws IllegalStateException if the subscriber already serves another flag source
         */
        public UnleashFlagSource build() {
            return new UnleashFlagSource(this);
        }
    }
}
