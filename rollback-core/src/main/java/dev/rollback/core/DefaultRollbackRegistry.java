package dev.rollback.core;

import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.event.RollbackEventPublisher;
import dev.rollback.core.event.StateTransitionEvent;
import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.flag.FlagListener;
import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.guard.GuardConfig;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.core.health.FeatureHealth;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import dev.rollback.core.internal.DefaultEventPublisher;
import dev.rollback.core.internal.DefaultReleaseGuard;
import dev.rollback.core.internal.GuardCallbacks;
import dev.rollback.core.internal.LedgerWriter;
import dev.rollback.core.internal.MicrometerClocks;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.DeploymentResult;
import dev.rollback.core.ledger.InMemoryRollbackLedger;
import dev.rollback.core.ledger.LedgerText;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.ledger.VersionStatus;
import dev.rollback.core.metrics.RollbackMetricNames;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry behind {@link RollbackRegistry#builder()}. */
final class DefaultRollbackRegistry implements RollbackRegistry, GuardCallbacks, FlagListener {

    private static final Logger log = LoggerFactory.getLogger(DefaultRollbackRegistry.class);

    private final MeterRegistry meters;
    private final Clock clock;
    private final FlagSource flags;
    private final RollbackLedger ledger;
    private final LedgerWriter writer;
    private final String serviceName;
    private final String serviceVersion;
    private final String instanceId;
    private final GuardConfig defaultConfig;
    private final Map<String, GuardConfig> featureConfigs;
    private final DefaultEventPublisher events = new DefaultEventPublisher();
    private final Map<String, DefaultReleaseGuard> guards = new ConcurrentHashMap<>();
    private final ExecutorService flagNotifier;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean heartbeatFailing = new AtomicBoolean();
    private final AtomicReference<DeploymentRecord> deployment;
    private final AtomicBoolean instanceRollbackRecorded = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Gauge healthGauge;
    private final Set<Meter> rollbackCounters = ConcurrentHashMap.newKeySet();

    DefaultRollbackRegistry(Builder b) {
        this.meters = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        this.clock = meters.config().clock();
        this.flags = b.flagSource;
        this.ledger = b.ledger != null ? b.ledger : new InMemoryRollbackLedger();
        this.serviceName = b.serviceName;
        this.serviceVersion = b.serviceVersion;
        this.instanceId = b.instanceId != null ? b.instanceId : defaultInstanceId();
        this.defaultConfig = b.defaultGuardConfig;
        this.featureConfigs = Map.copyOf(b.guardConfigs);
        this.writer = new LedgerWriter(ledger, b.ledgerQueueCapacity, b.ledgerInitialBackoff,
                b.ledgerMaximumBackoff, b.ledgerFlushTimeout, meters);
        this.flagNotifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rollback-flag-notifier");
            t.setDaemon(true);
            return t;
        });
        this.healthGauge = Gauge.builder(RollbackMetricNames.HEALTH, this, r -> r.health().status().ordinal())
                .description("Health of the instance: 0 up, 1 degraded, 2 rollback requested")
                .register(meters);

        MicroserviceVersion version = MicroserviceVersion.of(serviceName, serviceVersion,
                MicrometerClocks.now(clock), VersionStatus.DEPLOYED);
        DeploymentRecord started = new DeploymentRecord(UUID.randomUUID().toString(), version.id(), instanceId,
                MicrometerClocks.now(clock), null, DeploymentResult.RUNNING);
        this.deployment = new AtomicReference<>(started);
        writer.submit(version);
        writer.submit(started);
        flags.addListener(this);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollback-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long intervalMillis = Math.max(1, b.heartbeatInterval.toMillis());
        heartbeat.scheduleWithFixedDelay(this::beat, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Tells the ledger this instance is alive; straight to the ledger rather than through the
     * writer's queue, since a lost heartbeat only matters until the next one. A run of failures is
     * logged once, when it starts, and once when it ends.
     */
    private void beat() {
        String id = deployment.get().id();
        try {
            ledger.heartbeat(id, MicrometerClocks.now(clock));
            if (heartbeatFailing.getAndSet(false)) {
                log.info("Recording heartbeats of deployment {} in the ledger again", id);
            }
        } catch (RuntimeException e) {
            if (!heartbeatFailing.getAndSet(true)) {
                log.warn("Could not record a heartbeat of deployment {} in the ledger; whoever reads the ledger may"
                        + " count this instance as gone until it can: {}", id, e.toString());
            }
        }
    }

    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        return host != null && !host.isBlank() ? host : "instance-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public ReleaseGuard guard(String feature) {
        FeatureNames.requireValid(feature);
        DefaultReleaseGuard guard = guards.get(feature);
        return guard != null ? guard : guard(feature, featureConfigs.getOrDefault(feature, defaultConfig));
    }

    @Override
    public ReleaseGuard guard(String feature, GuardConfig config) {
        FeatureNames.requireValid(feature);
        Objects.requireNonNull(config, "config");
        GuardConfig configured = featureConfigs.get(feature);
        if (configured != null && !configured.equals(config)) {
            throw new IllegalArgumentException("the guard of feature '" + feature + "' is configured with " + configured
                    + " by the builder's guardConfig, not with " + config + "; ask for it with guard(\"" + feature
                    + "\")");
        }
        DefaultReleaseGuard guard = guards.computeIfAbsent(feature, f -> newGuard(f, config));
        if (!guard.config().equals(config)) {
            throw new IllegalArgumentException("a guard for feature '" + feature
                    + "' already exists with another configuration: " + guard.config() + ", not " + config
                    + "; ask for it with guard(\"" + feature + "\") or find(\"" + feature + "\")");
        }
        return guard;
    }

    private DefaultReleaseGuard newGuard(String feature, GuardConfig config) {
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.from(config.circuitBreakerConfig())
                .clock(MicrometerClocks.javaClock(clock))
                .build();
        // CircuitBreaker.of rather than a CircuitBreakerRegistry, which would subscribe to the breaker's
        // events and so make it allocate an event on every call.
        return new DefaultReleaseGuard(feature, config, meters, flags, CircuitBreaker.of(feature, breakerConfig), this);
    }

    @Override
    public Optional<ReleaseGuard> find(String feature) {
        return Optional.ofNullable(guards.get(feature));
    }

    @Override
    public Collection<ReleaseGuard> guards() {
        return List.copyOf(guards.values());
    }

    @Override
    public RollbackEventPublisher getEventPublisher() {
        return events;
    }

    @Override
    public HealthReport health() {
        List<FeatureHealth> features = guards.values().stream().map(DefaultReleaseGuard::health).toList();
        return HealthReport.of(serviceName, serviceVersion, instanceId, MicrometerClocks.now(clock), features);
    }

    @Override
    public RollbackLedger ledger() {
        return ledger;
    }

    @Override
    public DeploymentRecord deployment() {
        return deployment.get();
    }

    @Override
    public String service() {
        return serviceName;
    }

    @Override
    public String version() {
        return serviceVersion;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return meters;
    }

    // GuardCallbacks

    @Override
    public void stateChanged(StateTransitionEvent event) {
        events.publish(event);
    }

    @Override
    public void rolledBack(RollbackEvent event) {
        Counter rollbacks = Counter.builder(RollbackMetricNames.ROLLBACKS)
                .description("Features rolled back")
                .tag(RollbackMetricNames.TAG_FEATURE, event.feature())
                .tag(RollbackMetricNames.TAG_ACTOR, event.actor())
                .register(meters);
        rollbackCounters.add(rollbacks);
        rollbacks.increment();
        if (!RollbackActors.FLEET_JUDGE.equals(event.actor()) || event.scope() == RollbackScope.FLEET) {
            // A fleet verdict is recorded once, by the instance that reached it (scope FLEET).
            writer.submit(new RollbackRecord(event.recordId(), deployment.get().id(), event.time(), event.reason(),
                    event.feature(), event.scope(), event.actor()));
        }
        if (event.scope() == RollbackScope.INSTANCE && instanceRollbackRecorded.compareAndSet(false, true)) {
            DeploymentRecord requested = deployment.updateAndGet(d -> d.withResult(DeploymentResult.ROLLBACK_REQUESTED));
            MicroserviceVersion version = MicroserviceVersion.of(serviceName, serviceVersion, requested.startTime(),
                    VersionStatus.ROLLBACK_REQUESTED);
            writer.submit(requested);
            writer.submit(version);
        }
        events.publish(event);
        notifyFlags("rollback of '" + event.feature() + "'", () -> flags.onRollback(event.feature(), event.reason()));
    }

    @Override
    public void reinstated(String feature) {
        notifyFlags("reinstate of '" + feature + "'", () -> flags.onReinstate(feature));
    }

    @Override
    public void recordRollback(@Nullable String feature, String reason, RollbackScope scope, String actor) {
        record(feature, reason, scope, actor, null);
    }

    @Override
    public void recordRollback(@Nullable String feature, String reason, RollbackScope scope, String actor,
                               RollbackOutcome outcome) {
        record(feature, reason, scope, actor, Objects.requireNonNull(outcome, "outcome"));
    }

    private void record(@Nullable String feature, String reason, RollbackScope scope, String actor,
                        @Nullable RollbackOutcome outcome) {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(scope, "scope");
        LedgerText.requireName("actor", Objects.requireNonNull(actor, "actor"));
        writer.submit(new RollbackRecord(UUID.randomUUID().toString(), deployment.get().id(),
                MicrometerClocks.now(clock), LedgerText.reason(reason), feature, scope, actor, null, null, null,
                outcome));
    }

    @Override
    public void recordOutcome(String recordId, RollbackOutcome outcome) {
        writer.submit(new LedgerWriter.OutcomeUpdate(recordId, outcome));
    }

    private void notifyFlags(String what, Runnable action) {
        if (closed.get()) {
            return;
        }
        flagNotifier.execute(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("Flag source {} failed to take the {}", flags, what, e);
            }
        });
    }

    // FlagListener

    @Override
    public void flagChanged(@Nullable String feature) {
        if (feature == null) {
            guards.values().forEach(DefaultReleaseGuard::flagChanged);
        } else {
            DefaultReleaseGuard guard = guards.get(feature);
            if (guard != null) {
                guard.flagChanged();
            }
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void reinstateRequested(String feature) {
        DefaultReleaseGuard guard = guards.get(feature);
        if (guard != null) {
            guard.reinstate();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        flags.removeListener(this);
        heartbeat.shutdownNow();
        boolean requested = health().status() == HealthStatus.ROLLBACK_REQUESTED;
        DeploymentRecord ended = deployment.updateAndGet(d -> d.ended(MicrometerClocks.now(clock),
                requested ? DeploymentResult.ROLLBACK_REQUESTED : DeploymentResult.COMPLETED));
        writer.submit(ended);
        flagNotifier.shutdown();
        try {
            if (!flagNotifier.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Flag source {} did not finish its rollback notifications within 5 s", flags);
                flagNotifier.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        guards.values().forEach(DefaultReleaseGuard::close);
        meters.remove(healthGauge);
        rollbackCounters.forEach(meters::remove);
    }

    @Override
    public String toString() {
        return "RollbackRegistry{service=" + serviceName + ", version=" + serviceVersion + ", instance=" + instanceId
                + ", guards=" + guards.keySet() + '}';
    }
}
