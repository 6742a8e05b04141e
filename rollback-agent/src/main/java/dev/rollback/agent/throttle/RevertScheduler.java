package dev.rollback.agent.throttle;

import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.execute.RevertException;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RequestStore;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.DeploymentResult;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackRecord;
import dev.rollback.core.ledger.RollbackScope;
import dev.rollback.core.ledger.VersionStatus;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes revert requests, keeps them in the {@link RequestStore}, and carries them out through the
 * services' executors:
 * <ul>
 * <li>at most {@code throttle.maxInFlight} reverts run at once;</li>
 * <li>among the queued requests that may start, the lowest tier goes first, then the oldest;</li>
 * <li>a service has at most one request queued or running: a second one is merged into it;</li>
 * <li>after a service's revert ends, the next one waits for its cool-down;</li>
 * <li>each revert that ran is recorded once in the ledger, under the request's id, as an instance
 *     rollback by actor {@value #ACTOR} (see {@link #record}); a ledger write that fails is retried
 *     until it succeeds, backing off from half a second to a minute;</li>
 * <li>requests that were running when the agent stopped are carried out again with the plan they
 *     had, after a restart; dry-run outcomes are not recorded.</li>
 * </ul>
 *
 * <p>One dispatcher thread and a pool of {@code maxInFlight} workers; {@link #close()} stops them,
 * leaving running requests in the store to be resumed by the next start.
 */
public final class RevertScheduler implements AutoCloseable {

    /** The actor of every ledger record the agent writes. */
    public static final String ACTOR = "agent";
    /** How long deduplication keys are remembered. */
    public static final Duration DEDUPE_RETENTION = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(RevertScheduler.class);
    private static final long MAX_WAIT_MILLIS = 1000;
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Duration LEDGER_MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration LEDGER_MAX_BACKOFF = Duration.ofMinutes(1);

    private final AgentConfig config;
    private final RequestStore store;
    private final Function<ServiceConfig, RevertExecutor> executors;
    private final RollbackLedger ledger;
    private final Clock clock;
    private final MeterRegistry registry;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeup = lock.newCondition();
    private boolean dirty;
    private volatile boolean closing;

    private final Map<String, String> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastFinished = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ExecutorService workers;
    private final Thread dispatcher;
    private boolean started;
    private volatile Duration ledgerBackoff = Duration.ZERO;
    private volatile long nextLedgerRetryNanos;

    /**
     * Creates a scheduler; nothing runs until {@link #start()}.
     *
     * @param config    the agent's configuration
     * @param store     the request store; not closed by the scheduler
     * @param executors the executor of each service
     * @param ledger    where reverts are recorded
     * @param clock     the clock for times and cool-downs
     * @param registry  where the meters go
     */
    public RevertScheduler(AgentConfig config, RequestStore store, Function<ServiceConfig, RevertExecutor> executors,
                           RollbackLedger ledger, Clock clock, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.executors = Objects.requireNonNull(executors, "executors");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.nextLedgerRetryNanos = clock.monotonicTime();
        this.workers = Executors.newFixedThreadPool(config.throttle().maxInFlight(), threads("rollback-agent-revert"));
        this.dispatcher = threads("rollback-agent-dispatcher").newThread(this::dispatchLoop);
        Gauge.builder(AgentMetricNames.IN_FLIGHT, inFlight, Map::size)
                .description("Reverts running now").register(registry);
        Gauge.builder(AgentMetricNames.QUEUED, queued, AtomicInteger::get)
                .description("Revert requests waiting now").register(registry);
    }

    /**
     * Starts the dispatcher: requests left running by a previous agent are resumed first.
     *
     * @return this scheduler
     */
    public synchronized RevertScheduler start() {
        if (!started) {
            started = true;
            store.forgetKeysBefore(now().minus(DEDUPE_RETENTION));
            dispatcher.start();
        }
        return this;
    }

    /**
     * Submits a request.
     *
     * @param service     the service
     * @param trigger     what asks
     * @param reason      why
     * @param fromVersion the version seen running, or {@code null}
     * @param toRevision  the revision to go back to, or {@code null}
     * @param dedupeKey   identifies the source event, or {@code null}
     * @return what happened
     * @throws UnknownServiceException if the service is not configured
     */
    public Submission submit(String service, Trigger trigger, String reason, String fromVersion, Long toRevision,
                             String dedupeKey) {
        return submit(service, trigger, reason, fromVersion, toRevision, dedupeKey, null);
    }

    /**
     * Submits a request that reverts in a namespace other than the service's configured one.
     *
     * @param service     the service
     * @param trigger     what asks
     * @param reason      why
     * @param fromVersion the version seen running, or {@code null}
     * @param toRevision  the revision to go back to, or {@code null}
     * @param dedupeKey   identifies the source event, or {@code null}
     * @param namespace   the namespace, or {@code null} for the configured one
     * @return what happened
     * @throws UnknownServiceException if the service is not configured
     */
    public Submission submit(String service, Trigger trigger, String reason, String fromVersion, Long toRevision,
                             String dedupeKey, String namespace) {
        if (config.service(service).isEmpty()) {
            throw new UnknownServiceException(service);
        }
        RevertRequest request = RevertRequest.queued(UUID.randomUUID().toString(), service, trigger, reason,
                fromVersion, toRevision, now(), namespace);
        Submission s = store.submit(request, dedupeKey);
        Counter.builder(AgentMetricNames.REQUESTS).description("Revert requests submitted")
                .tag("trigger", trigger.label()).tag("result", s.outcome().name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
        if (s.outcome() == Submission.Outcome.QUEUED) {
            LOG.info("Queued revert {} of {} ({}): {}", request.id(), service, trigger.label(), reason);
            wake();
        }
        return s;
    }

    /**
     * Whether the agent is configured for a service.
     *
     * @param service the service name
     * @return {@code true} if it may be reverted
     */
    public boolean knows(String service) {
        return config.service(service).isPresent();
    }

    /**
     * Cancels a queued request.
     *
     * @param id the request id
     * @return {@code false} if it was not queued
     */
    public boolean cancel(String id) {
        boolean cancelled = store.cancel(id, now());
        if (cancelled) {
            LOG.info("Cancelled revert {}", id);
            wake();
        }
        return cancelled;
    }

    /**
     * Whether a service has no request queued or running and is not cooling down: whether a new
     * request would start a revert rather than be merged or wait.
     *
     * @param service the service
     * @return {@code true} if quiet
     */
    public boolean quiet(String service) {
        if (inFlight.containsKey(service) || coolingUntil(service).isPresent()) {
            return false;
        }
        return store.inState(RequestState.QUEUED).stream().noneMatch(r -> r.service().equals(service));
    }

    /** Makes the dispatcher look at the queue now, e.g. after the clock moved in a test. */
    public void wake() {
        lock.lock();
        try {
            dirty = true;
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many reverts run now.
     *
     * @return the number
     */
    public int inFlight() {
        return inFlight.size();
    }

    private void dispatchLoop() {
        try {
            resumeRunning();
        } catch (RuntimeException e) {
            LOG.error("Could not resume the reverts left running; they stay in the store: {}", e.toString(), e);
        }
        while (!closing) {
            long waitMillis = MAX_WAIT_MILLIS;
            try {
                recordDue();
                waitMillis = dispatch();
            } catch (RuntimeException e) {
                LOG.warn("Dispatching reverts failed, trying again: {}", e.toString());
            }
            lock.lock();
            try {
                if (!dirty && !closing) {
                    wakeup.await(waitMillis, TimeUnit.MILLISECONDS);
                }
                dirty = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void resumeRunning() {
        for (RevertRequest r : store.inState(RequestState.RUNNING)) {
            LOG.info("Resuming revert {} of {}, which was running when the agent stopped", r.id(), r.service());
            inFlight.put(r.service(), r.id());
            workers.execute(() -> work(r, true));
        }
    }

    /** Starts what may start; returns how long to wait at most before looking again. */
    private long dispatch() {
        List<RevertRequest> waiting = new ArrayList<>(store.inState(RequestState.QUEUED));
        queued.set(waiting.size());
        waiting.sort(Comparator.comparingInt((RevertRequest r) -> tier(r.service()))
                .thenComparing(RevertRequest::requestedAt).thenComparing(RevertRequest::id));
        long waitMillis = MAX_WAIT_MILLIS;
        for (RevertRequest r : waiting) {
            if (closing || inFlight.size() >= config.throttle().maxInFlight()) {
                break;
            }
            if (inFlight.containsKey(r.service())) {
                continue;
            }
            Optional<Instant> until = coolingUntil(r.service());
            if (until.isPresent()) {
                waitMillis = Math.min(waitMillis, Math.max(1, Duration.between(now(), until.get()).toMillis()));
                continue;
            }
            if (store.start(r.id(), now())) {
                inFlight.put(r.service(), r.id());
                queued.decrementAndGet();
                RevertRequest running = store.find(r.id()).orElse(r);
                workers.execute(() -> work(running, false));
            }
        }
        return waitMillis;
    }

    private int tier(String service) {
        return config.service(service).map(ServiceConfig::tier).orElse(ServiceConfig.MAX_TIER + 1);
    }

    private Optional<Instant> coolingUntil(String service) {
        Instant last = lastFinished.computeIfAbsent(service, s -> store.lastFinished(s).orElse(Instant.MIN));
        if (last.equals(Instant.MIN)) {
            return Optional.empty();
        }
        Duration cooldown = config.service(service).map(ServiceConfig::cooldown)
                .orElse(null);
        Instant until = last.plus(cooldown == null ? config.throttle().cooldown() : cooldown);
        return until.isAfter(now()) ? Optional.of(until) : Optional.empty();
    }

    private void work(RevertRequest request, boolean resumed) {
        long startNanos = clock.monotonicTime();
        RequestState state = RequestState.FAILED;
        try {
            Optional<ServiceConfig> service = config.service(request.service());
            RevertOutcome outcome;
            if (service.isEmpty()) {
                outcome = RevertOutcome.failed("service '" + request.service() + "' is no longer configured");
            } else {
                outcome = carryOut(new RevertJob(request, service.get(), resumed));
            }
            if (outcome == null) {
                return;
            }
            state = outcome.state();
            Instant end = now();
            store.finish(request.id(), outcome.state(), end, outcome.detail());
            LOG.info("Revert {} of {} ended {}: {}", request.id(), request.service(), outcome.state(), outcome.detail());
            Counter.builder(AgentMetricNames.REVERTS).description("Reverts ended")
                    .tag("trigger", request.trigger().label())
                    .tag("outcome", outcome.state().name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
            if (outcome.state() != RequestState.DRY_RUN) {
                // A dry run changed nothing: no cool-down, no ledger record.
                lastFinished.put(request.service(), end);
                store.find(request.id()).ifPresent(this::recordQuietly);
            }
        } catch (RuntimeException e) {
            LOG.error("Revert {} of {} could not be carried out; it stays in the store: {}", request.id(),
                    request.service(), e.toString(), e);
        } finally {
            inFlight.remove(request.service(), request.id());
            Timer.builder(AgentMetricNames.REVERT_DURATION).description("Time a revert took")
                    .tag("outcome", state.name().toLowerCase(Locale.ROOT)).register(registry)
                    .record(clock.monotonicTime() - startNanos, TimeUnit.NANOSECONDS);
            wake();
        }
    }

    /** Plans (unless planned before a restart), keeps the plan, executes; null when stopping. */
    private RevertOutcome carryOut(RevertJob job) {
        RevertExecutor executor = executors.apply(job.service());
        RevertPlan plan = job.request().plan();
        if (plan == null) {
            try {
                plan = executor.plan(job);
            } catch (RevertException e) {
                return RevertOutcome.failed(e.getMessage());
            }
            store.plan(job.request().id(), plan);
        }
        RevertOutcome outcome = executor.execute(job, plan, config.dryRun());
        if (closing && Thread.currentThread().isInterrupted()) {
            LOG.info("Revert {} was interrupted by the agent stopping; it resumes at the next start",
                    job.request().id());
            return null;
        }
        return outcome;
    }

    /** Retries the ledger records that are due, backing off while the ledger keeps failing. */
    private void recordDue() {
        if (clock.monotonicTime() - nextLedgerRetryNanos < 0) {
            return;
        }
        for (RevertRequest r : store.unrecorded()) {
            if (closing || !recordQuietly(r)) {
                return;
            }
        }
    }

    private boolean recordQuietly(RevertRequest ended) {
        try {
            record(ended);
            store.recorded(ended.id());
            ledgerBackoff = Duration.ZERO;
            return true;
        } catch (RuntimeException e) {
            Counter.builder(AgentMetricNames.LEDGER_FAILURES).description("Ledger writes that failed and are retried")
                    .register(registry).increment();
            ledgerBackoff = ledgerBackoff.isZero() ? LEDGER_MIN_BACKOFF
                    : ledgerBackoff.multipliedBy(2).compareTo(LEDGER_MAX_BACKOFF) > 0 ? LEDGER_MAX_BACKOFF
                    : ledgerBackoff.multipliedBy(2);
            nextLedgerRetryNanos = clock.monotonicTime() + ledgerBackoff.toNanos();
            LOG.warn("Recording revert {} in the ledger failed; retrying in {}: {}", ended.id(), ledgerBackoff,
                    e.toString());
            return false;
        }
    }

    /**
     * Records an ended revert in the ledger; idempotent. The ledger's rollback record needs a
     * deployment record: the agent records the version it reverted from
     * ({@code microservice_version} of the service and the plan's from-version, status
     * {@code ROLLED_BACK} when the revert succeeded, else {@code ROLLBACK_REQUESTED}) and one
     * deployment record per service and from-version with instance id {@code agent:SERVICE}: the
     * agent acts on the whole deployment, not one instance. The rollback record's id is the request's.
     */
    private void record(RevertRequest r) {
        String from = r.plan() != null && !r.plan().fromVersion().isEmpty() ? r.plan().fromVersion()
                : r.fromVersion() != null ? r.fromVersion() : "unknown";
        String to = r.plan() != null && !r.plan().toVersion().isEmpty() ? r.plan().toVersion() : null;
        boolean succeeded = r.state() == RequestState.SUCCEEDED;
        Instant at = r.finishedAt() == null ? now() : r.finishedAt();
        MicroserviceVersion version = MicroserviceVersion.of(r.service(), from, r.requestedAt(),
                succeeded ? VersionStatus.ROLLED_BACK : VersionStatus.ROLLBACK_REQUESTED);
        ledger.recordVersion(version);
        String deploymentId = "agent-" + UUID.nameUUIDFromBytes(
                ("agent\u0000" + r.service() + '\u0000' + from).getBytes(StandardCharsets.UTF_8));
        DeploymentRecord deployment = new DeploymentRecord(deploymentId, version.id(), "agent:" + r.service(),
                r.requestedAt(), succeeded ? at : null,
                succeeded ? DeploymentResult.ROLLED_BACK : DeploymentResult.ROLLBACK_REQUESTED);
        ledger.recordDeployment(deployment);
        ledger.recordRollback(new RollbackRecord(r.id(), deploymentId, at, r.reason() + " — " + r.detail(), null,
                RollbackScope.INSTANCE, ACTOR, r.trigger().label(), from, to, r.state().name()));
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.wallTime());
    }

    /**
     * Stops the dispatcher and the workers. Reverts still running are interrupted and stay
     * {@code RUNNING} in the store, to be resumed with their plan by the next start.
     */
    @Override
    public void close() {
        closing = true;
        wake();
        workers.shutdownNow();
        try {
            dispatcher.join(STOP_WAIT.toMillis());
            if (!workers.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Some reverts did not stop within {}; they resume at the next start", STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
