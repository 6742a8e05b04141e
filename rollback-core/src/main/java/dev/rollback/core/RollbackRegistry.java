package dev.rollback.core;

import static dev.rollback.core.check.Arguments.requireBackoff;
import static dev.rollback.core.check.Arguments.requirePositive;
import static dev.rollback.core.check.Arguments.requireText;

import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.RollbackEventPublisher;
import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.LedgerText;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackScope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: creates and keeps the {@link ReleaseGuard}s of one service instance, and holds
 * what they share (meters and clock, flag source, ledger, events, health).
 *
 * <pre>{@code
 * try (RollbackRegistry registry = RollbackRegistry.builder()
 *         .meterRegistry(meterRegistry)
 *         .flagSource(flags)
 *         .service("checkout", "1.4.0")
 *         .build()) {
 *     ReleaseGuard guard = registry.guard("checkout-v2");
 *     Receipt receipt = guard.call(() -> checkoutV2(order), () -> checkoutV1(order));
 * }
 * }</pre>
 *
 * <p>Every time the library reads, it reads from the meter registry's
 * {@link io.micrometer.core.instrument.Clock}, so that tests can run in virtual time with
 * Micrometer's {@code MockClock}. Closing the registry flushes the ledger, records the end of the
 * deployment, stops its threads and removes its meters.
 */
public interface RollbackRegistry extends AutoCloseable {

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the guard of {@code feature}, creating it with the configuration given for it to
     * {@link Builder#guardConfig(String, GuardConfig)}, else the {@linkplain Builder#defaultGuardConfig
     * default configuration}.
     *
     * @param feature the feature, which is also the flag's name
     * @return the guard
     * @throws IllegalArgumentException if the name is null, blank or otherwise invalid
     */
    ReleaseGuard guard(String feature);

    /**
     * Returns the guard of {@code feature}, creating it with {@code config}. Asking again with an
     * equal configuration returns the same guard.
     *
     * @param feature the feature, which is also the flag's name
     * @param config  the configuration
     * @return the guard
     * @throws IllegalArgumentException if the name is invalid, or the guard exists, or was configured
     *                                  in the builder, with a configuration not equal to {@code config}
     */
    ReleaseGuard guard(String feature, GuardConfig config);

    /**
     * Returns the guard of {@code feature} if it exists.
     *
     * @param feature the feature
     * @return the guard, or empty
     */
    Optional<ReleaseGuard> find(String feature);

    /**
     * Returns every guard, in no particular order.
     *
     * @return the guards
     */
    Collection<ReleaseGuard> guards();

    /**
     * Returns the publisher of this registry's events.
     *
     * @return the publisher
     */
    RollbackEventPublisher getEventPublisher();

    /**
     * Returns the health of this instance now.
     *
     * @return the report
     */
    HealthReport health();

    /**
     * Returns the ledger this registry records into, for reading.
     *
     * @return the ledger
     */
    RollbackLedger ledger();

    /**
     * Returns the record of this instance's deployment.
     *
     * @return the deployment
     */
    DeploymentRecord deployment();

    /**
     * Records a rollback that happened outside a guard (a fleet-wide kill switch, an agent's revert)
     * against this instance's deployment, through the same queue as the guards' own records: it never
     * blocks, and it is retried while the ledger is down.
     *
     * @param feature the feature, or {@code null} for an instance rollback
     * @param reason  what was done and why, in words a person can act on; made one line and cut as
     *                {@link dev.rollback.core.ledger.LedgerText#reason(String)} says
     * @param scope   what it affected
     * @param actor   who acted, one of {@link dev.rollback.core.event.RollbackActors} or a name of its
     *                own; printable, at most
     *                {@value dev.rollback.core.ledger.LedgerText#MAX_NAME_LENGTH} characters
     * @throws IllegalArgumentException if the actor is not such a name
     */
    void recordRollback(@Nullable String feature, String reason, RollbackScope scope, String actor);

    /**
     * Records a rollback that another system carried out outside a guard, with how it ended: one
     * record, as {@link #recordRollback(String, String, RollbackScope, String)} writes it, with its
     * {@linkplain dev.rollback.core.ledger.RollbackRecord#outcome() outcome}.
     *
     * @param feature the feature, or {@code null} for an instance rollback
     * @param reason  what was done and why, in words a person can act on
     * @param scope   what it affected
     * @param actor   who acted, one of {@link dev.rollback.core.event.RollbackActors} or a name of its own
     * @param outcome how it ended
     * @throws IllegalArgumentException if the actor is not a printable name of at most
     *                                  {@value dev.rollback.core.ledger.LedgerText#MAX_NAME_LENGTH} characters
     */
    void recordRollback(@Nullable String feature, String reason, RollbackScope scope, String actor,
                        RollbackOutcome outcome);

    /**
     * Records how a rollback of this registry ended when another system carried it further: the
     * fleet-wide kill switch after a {@link RollbackEvent} passes the event's
     * {@linkplain RollbackEvent#recordId() record id}, and the rollback keeps one record, whose
     * {@linkplain dev.rollback.core.ledger.RollbackRecord#outcome() outcome} this sets. Through the same
     * queue as the record itself, after it: it never blocks, and it is retried while the ledger is down.
     *
     * @param recordId the rollback's record id
     * @param outcome  how it ended
     */
    void recordOutcome(String recordId, RollbackOutcome outcome);

    /**
     * Returns this instance's service name, as given to {@link Builder#service(String, String)}.
     *
     * @return the service name
     */
    String service();

    /**
     * Returns this instance's service version, as given to {@link Builder#service(String, String)}.
     *
     * @return the version
     */
    String version();

    /**
     * Returns the meter registry, whose clock is the registry's only source of time.
     *
     * @return the meter registry
     */
    MeterRegistry meterRegistry();

    /**
     * Flushes the ledger, records the end of the deployment and releases the registry's threads and
     * meters. Guards keep working after close, but no longer record in the ledger.
     */
    @Override
    void close();

    /**
     * Builds a {@link RollbackRegistry}. Every setting is optional. Not thread-safe.
     */
    final class Builder {

        /** Default service name, when none is given. */
        public static final String DEFAULT_SERVICE_NAME = "application";
        /** Default service version, when none is given. */
        public static final String DEFAULT_SERVICE_VERSION = "unknown";
        /** Default {@link #ledgerQueueCapacity(int)}: 10,000 writes. */
        public static final int DEFAULT_LEDGER_QUEUE_CAPACITY = 10_000;
        /** Default first pause of {@link #ledgerRetryBackoff(Duration, Duration)}: 100 ms. */
        public static final Duration DEFAULT_LEDGER_INITIAL_BACKOFF = Duration.ofMillis(100);
        /** Default longest pause of {@link #ledgerRetryBackoff(Duration, Duration)}: 30 s. */
        public static final Duration DEFAULT_LEDGER_MAXIMUM_BACKOFF = Duration.ofSeconds(30);
        /** Default {@link #ledgerFlushTimeout(Duration)}: 10 s. */
        public static final Duration DEFAULT_LEDGER_FLUSH_TIMEOUT = Duration.ofSeconds(10);
        /** Default {@link #heartbeatInterval(Duration)}: 10 s. */
        public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

        MeterRegistry meterRegistry;
        FlagSource flagSource = FlagSource.allEnabled();
        RollbackLedger ledger;
        String serviceName = DEFAULT_SERVICE_NAME;
        String serviceVersion = DEFAULT_SERVICE_VERSION;
        String instanceId;
        GuardConfig defaultGuardConfig = GuardConfig.ofDefaults();
        final Map<String, GuardConfig> guardConfigs = new LinkedHashMap<>();
        int ledgerQueueCapacity = DEFAULT_LEDGER_QUEUE_CAPACITY;
        Duration ledgerInitialBackoff = DEFAULT_LEDGER_INITIAL_BACKOFF;
        Duration ledgerMaximumBackoff = DEFAULT_LEDGER_MAXIMUM_BACKOFF;
        Duration ledgerFlushTimeout = DEFAULT_LEDGER_FLUSH_TIMEOUT;
        Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

        Builder() {
        }

        /**
         * Sets where meters go; its clock becomes the registry's only source of time. Default a new
         * {@link SimpleMeterRegistry}.
         *
         * @param meterRegistry the meter registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Sets the flag source. Default {@link FlagSource#allEnabled()}: every feature on for every call.
         *
         * @param flagSource the flag source
         * @return this builder
         */
        public Builder flagSource(FlagSource flagSource) {
            this.flagSource = Objects.requireNonNull(flagSource, "flagSource");
            return this;
        }

        /**
         * Sets the ledger. Default a new {@link InMemoryRollbackLedger}.
         *
         * @param ledger the ledger
         * @return this builder
         */
        public Builder ledger(RollbackLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            return this;
        }

        /**
         * Sets this instance's service name and version. Default {@value #DEFAULT_SERVICE_NAME} and
         * {@value #DEFAULT_SERVICE_VERSION}.
         *
         * @param name    the service name, not blank, printable, at most
         *                {@value dev.rollback.core.ledger.LedgerText#MAX_NAME_LENGTH} characters
         * @param version the version, likewise
         * @return this builder
         */
        public Builder service(String name, String version) {
            this.serviceName = LedgerText.requireName("service name", requireText("service name", name));
            this.serviceVersion = LedgerText.requireName("service version", requireText("service version", version));
            return this;
        }

        /**
         * Sets this instance's id. Default the {@code HOSTNAME} environment variable (a pod's name on
         * Kubernetes), else a random id.
         *
         * @param instanceId the id, not blank, printable, at most
         *                   {@value dev.rollback.core.ledger.LedgerText#MAX_NAME_LENGTH} characters
         * @return this builder
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = LedgerText.requireName("instance id", requireText("instance id", instanceId));
            return this;
        }

        /**
         * Sets the configuration of guards created by {@link RollbackRegistry#guard(String)}. Default
         * {@link GuardConfig#ofDefaults()}.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder defaultGuardConfig(GuardConfig config) {
            this.defaultGuardConfig = Objects.requireNonNull(config, "defaultGuardConfig");
            return this;
        }

        /**
         * Sets the configuration of one feature's guard, created by {@link RollbackRegistry#guard(String)}
         * and accepted by {@link RollbackRegistry#guard(String, GuardConfig)} only if equal. Default the
         * {@linkplain #defaultGuardConfig(GuardConfig) default configuration}; setting a feature again
         * replaces its configuration.
         *
         * @param feature the feature, a valid flag name
         * @param config  the configuration
         * @return this builder
         * @throws IllegalArgumentException if the feature name is invalid
         */
        public Builder guardConfig(String feature, GuardConfig config) {
            FeatureNames.requireValid(feature);
            this.guardConfigs.put(feature, Objects.requireNonNull(config, "config"));
            return this;
        }

        /**
         * Sets how many ledger writes may wait while the ledger is slow or down. Default
         * {@value #DEFAULT_LEDGER_QUEUE_CAPACITY}.
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder ledgerQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("ledgerQueueCapacity must be at least 1, was " + capacity);
            }
            this.ledgerQueueCapacity = capacity;
            return this;
        }

        /**
         * Sets the pauses between retries of a failed ledger write: {@code initial} after the first
         * failure, doubled after each further one, at most {@code maximum}. Default 100 ms and 30 s.
         *
         * @param initial a positive duration
         * @param maximum a duration at least {@code initial}
         * @return this builder
         */
        public Builder ledgerRetryBackoff(Duration initial, Duration maximum) {
            requireBackoff("ledger initial backoff", initial, "ledger maximum backoff", maximum);
            this.ledgerInitialBackoff = initial;
            this.ledgerMaximumBackoff = maximum;
            return this;
        }

        /**
         * Sets how long {@link RollbackRegistry#close()} waits for queued ledger writes. Default 10 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder ledgerFlushTimeout(Duration timeout) {
            this.ledgerFlushTimeout = requirePositive("ledger flush timeout", timeout);
            return this;
        }

        /**
         * Sets how often this instance tells the ledger it is alive, from a thread of its own, never
         * from a guarded call. Whoever reads the ledger (a contract of a schema change, the agent)
         * counts an instance whose last heartbeat is older than a few intervals as gone. Default 10 s.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = requirePositive("heartbeat interval", interval);
            return this;
        }

        /**
         * Builds the registry, records this instance's deployment in the ledger and starts its
         * heartbeat.
         *
         * @return the registry
         */
        public RollbackRegistry build() {
            return new DefaultRollbackRegistry(this);
        }
    }
}
