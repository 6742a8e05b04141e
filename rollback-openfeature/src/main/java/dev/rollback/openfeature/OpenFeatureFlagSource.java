package dev.rollback.openfeature;

import static dev.rollback.core.check.Arguments.requirePositive;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import dev.rollback.core.flag.FlagListener;
import dev.rollback.core.flag.FlagSource;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenFeature provider, through the application's own {@link Client}, as the {@link FlagSource}
 * of the release guards, with a local kill switch in front of it. The source never creates a client
 * or sets a provider of its own.
 *
 * <p><b>Decisions.</b> A feature's flag is a boolean flag of the same name; a call's stickiness key
 * is the evaluation context's targeting key, so a fractional (percentage) rollout in the provider
 * decides the share of calls on the new path and a key stays on its path. A call without a key gets
 * one of {@value #RANDOM_KEYS} synthetic keys at random. Decisions are cached per feature and key
 * (Caffeine, bounded): a warm decision makes no provider call. Every cached decision is dropped when
 * the provider reports {@code PROVIDER_CONFIGURATION_CHANGED} (and {@code ERROR}, {@code STALE}); a
 * decision evaluated while such an event arrived is not cached.
 *
 * <p><b>Never the new path by accident.</b> A provider that is not {@code READY}, an evaluation
 * that ends in an error (an unknown flag, a type mismatch, a provider error) or throws: the old
 * path, and nothing is cached, so the provider is asked again on the next call. Errors are logged at
 * most once per {@link Builder#errorLogInterval(Duration)}.
 *
 * <p><b>Local kill switch.</b> Once a guard rolls a feature back on this instance, the feature stays
 * off here whatever the provider says, until it is reinstated: by {@code ReleaseGuard#reinstate()},
 * or by a person turning the flag back on in the provider after the rollback. OpenFeature shows
 * no flag definitions, so "off" is an evaluation to {@code false} with reason {@code STATIC} or
 * {@code DISABLED} (off for every call, as a fleet kill switch leaves it) or an unknown flag, and
 * "on" is {@code true} or a reason that depends on the context (targeting, a split): the flag must
 * be seen off after the rollback, then on again, at a configuration change. A flag that merely stays
 * on does not reinstate. {@link #isActive(String)} is "on" in the same sense.
 */
public final class OpenFeatureFlagSource implements FlagSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenFeatureFlagSource.class);

    /** How many synthetic keys split keyless calls and probe whether a flag is on anywhere. */
    static final int RANDOM_KEYS = 1024;
    private static final String[] RANDOM_KEY_NAMES = new String[RANDOM_KEYS];

    static {
        for (int i = 0; i < RANDOM_KEYS; i++) {
            RANDOM_KEY_NAMES[i] = "rollback-random-" + i;
        }
    }

    /** Default {@link Builder#cacheMaximumSize(long)} per feature: 10,000 decisions. */
    public static final long DEFAULT_CACHE_MAXIMUM_SIZE = 10_000;
    /** Default {@link Builder#errorLogInterval(Duration)}: one minute. */
    public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

    /**
     * The provider events after which cached decisions may be stale. Not {@code READY}: nothing is
     * cached before a provider is ready, and the SDK runs a {@code READY} handler at once when
     * registered on a ready provider.
     */
    private static final List<ProviderEvent> CHANGES = List.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED,
            ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_STALE);

    private final Client client;
    private final long cacheMaximumSize;
    private final Clock clock;
    private final long errorLogIntervalNanos;
    private final Map<String, Feature> features = new ConcurrentHashMap<>();
    private final List<FlagListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong nextErrorLog = new AtomicLong(Long.MIN_VALUE);
    /** Counts the changes reported, so that a decision evaluated across one is not cached. */
    private final AtomicLong changes = new AtomicLong();
    private final Consumer<EventDetails> onChange = this::changed;

    /** Whether a rolled back feature was seen off in the provider since its rollback. */
    private enum Kill { NONE, KILLED, SEEN_OFF }

    /** What the provider says of a flag as a whole. */
    private enum Probe { ON, OFF, UNKNOWN }

    /** What one evaluation said, and whether it may be cached. */
    private enum Decision {
        ON(true, true), OFF(false, true), OLD_PATH(false, false);

        final boolean enabled;
        final boolean cacheable;

        Decision(boolean enabled, boolean cacheable) {
            this.enabled = enabled;
            this.cacheable = cacheable;
        }
    }

    /** One feature's cached decisions and kill state. */
    private final class Feature {
        final String name;
        final Cache<String, Boolean> decisions;
        volatile Kill kill = Kill.NONE;

        Feature(String name) {
            this.name = name;
            this.decisions = Caffeine.newBuilder()
                    .maximumSize(cacheMaximumSize)
                    .ticker(clock::monotonicTime)
                    .executor(Runnable::run)
                    .build();
        }
    }

    private OpenFeatureFlagSource(Builder b) {
        this.client = b.client;
        this.cacheMaximumSize = b.cacheMaximumSize;
        this.clock = b.clock;
        this.errorLogIntervalNanos = b.errorLogInterval.toNanos();
        CHANGES.forEach(event -> client.on(event, onChange));
    }

    /**
     * Returns a builder for a flag source on the application's client.
     *
     * @param client the OpenFeature client, e.g. {@code OpenFeatureAPI.getInstance().getClient()};
     *               the flag source never creates one of its own
     * @return the builder
     */
    public static Builder builder(Client client) {
        return new Builder(client);
    }

    @Override
    public boolean isEnabled(String feature, @Nullable String stickinessKey) {
        Feature f = feature(feature);
        if (f.kill != Kill.NONE) {
            return false;
        }
        String key = stickinessKey != null ? stickinessKey
                : RANDOM_KEY_NAMES[ThreadLocalRandom.current().nextInt(RANDOM_KEYS)];
        Boolean cached = f.decisions.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        long before = changes.get();
        Decision decision = evaluate(feature, key);
        if (decision.cacheable && f.kill == Kill.NONE && changes.get() == before) {
            f.decisions.put(key, decision.enabled);
        }
        return decision.enabled;
    }

    private Feature feature(String name) {
        Feature f = features.get(name);
        return f != null ? f : features.computeIfAbsent(name, Feature::new);
    }

    private Decision evaluate(String feature, String key) {
        try {
            if (client.getProviderState() != ProviderState.READY) {
                return Decision.OLD_PATH;
            }
            FlagEvaluationDetails<Boolean> details = client.getBooleanDetails(feature, false,
                    new ImmutableContext(key));
            ErrorCode error = details.getErrorCode();
            if (error != null) {
                logThrottled(feature, error + ": " + details.getErrorMessage(), null);
                return Decision.OLD_PATH;
            }
            return Boolean.TRUE.equals(details.getValue()) ? Decision.ON : Decision.OFF;
        } catch (RuntimeException e) {
            logThrottled(feature, e.toString(), e);
            return Decision.OLD_PATH;
        }
    }

    private void logThrottled(String feature, String what, RuntimeException e) {
        long now = clock.monotonicTime();
        long due = nextErrorLog.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && nextErrorLog.compareAndSet(due, now + errorLogIntervalNanos)) {
            log.warn("OpenFeature failed to evaluate flag '{}' ({}); taking the old path (logged at most once per {})",
                    feature, what, Duration.ofNanos(errorLogIntervalNanos), e);
        }
    }

    /**
     * What the provider says of a flag as a whole. OpenFeature shows no flag definitions, so one
     * evaluation tells: {@code true}, or a reason that depends on the context (a targeting match, a
     * split, a default after rules that did not match), means it may be on for some calls; {@code false}
     * with reason {@code STATIC} or {@code DISABLED} means off for every call.
     */
    private Probe probe(String feature) {
        try {
            if (client.getProviderState() != ProviderState.READY) {
                return Probe.UNKNOWN;
            }
            FlagEvaluationDetails<Boolean> details = client.getBooleanDetails(feature, false,
                    new ImmutableContext(RANDOM_KEY_NAMES[0]));
            if (details.getErrorCode() != null) {
                return details.getErrorCode() == ErrorCode.FLAG_NOT_FOUND ? Probe.OFF : Probe.UNKNOWN;
            }
            String reason = details.getReason();
            return Boolean.TRUE.equals(details.getValue())
                    || !(Reason.STATIC.name().equals(reason) || Reason.DISABLED.name().equals(reason))
                    ? Probe.ON : Probe.OFF;
        } catch (RuntimeException e) {
            return Probe.UNKNOWN;
        }
    }

    @Override
    public boolean isActive(String feature) {
        Feature f = features.get(feature);
        return (f == null || f.kill == Kill.NONE) && probe(feature) == Probe.ON;
    }

    @Override
    public void onRollback(String feature, String reason) {
        Feature f = feature(feature);
        // If the provider already holds the flag off (a fleet kill switch came first), a person
        // turning it on later must count as a reinstate, without a change that shows it off again.
        // Not knowing (provider not ready, an error) counts as on: the flag must then be seen off first.
        f.kill = probe(feature) == Probe.OFF ? Kill.SEEN_OFF : Kill.KILLED;
        f.decisions.invalidateAll();
        log.info("Flag '{}' is off on this instance until it is reinstated: {}", feature, reason);
        listeners.forEach(l -> l.flagChanged(feature));
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

    /** Called on the SDK's event thread. */
    private void changed(EventDetails details) {
        changes.incrementAndGet();
        features.values().forEach(f -> f.decisions.invalidateAll());
        List<String> changed = details == null ? null : details.getFlagsChanged();
        for (Feature f : features.values()) {
            if (f.kill == Kill.NONE || changed != null && !changed.isEmpty() && !changed.contains(f.name)) {
                continue;
            }
            Probe probe = probe(f.name);
            if (f.kill == Kill.KILLED && probe == Probe.OFF) {
                f.kill = Kill.SEEN_OFF;
            } else if (f.kill == Kill.SEEN_OFF && probe == Probe.ON) {
                log.info("Flag '{}' was turned back on in the OpenFeature provider after its rollback: reinstating"
                        + " it", f.name);
                listeners.forEach(l -> l.reinstateRequested(f.name));
            }
        }
        listeners.forEach(l -> l.flagChanged(null));
    }

    /** Stops listening to the client's events; the client itself is the application's and stays open. */
    @Override
    public void close() {
        CHANGES.forEach(event -> client.removeHandler(event, onChange));
    }

    @Override
    public String toString() {
        return "OpenFeatureFlagSource{client=" + client.getMetadata().getDomain() + ", features=" + features.keySet()
                + '}';
    }

    /**
     * Builds an {@link OpenFeatureFlagSource}. Not thread-safe.
     */
    public static final class Builder {

        private final Client client;
        private long cacheMaximumSize = DEFAULT_CACHE_MAXIMUM_SIZE;
        private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
        private Clock clock = Clock.SYSTEM;

        private Builder(Client client) {
            this.client = Objects.requireNonNull(client, "client");
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
         * Sets how often, at most, a failing evaluation is logged. Default one minute.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder errorLogInterval(Duration interval) {
            this.errorLogInterval = requirePositive("errorLogInterval", interval);
            return this;
        }

        /**
         * Sets the clock the cache and the log throttle read. Default {@link Clock#SYSTEM}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the flag source and registers it for the client's provider events.
         *
         * @return the flag source; close it to unregister
         */
        public OpenFeatureFlagSource build() {
            return new OpenFeatureFlagSource(this);
        }
    }
}
