package dev.rollback.agent.throttle;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.execute.RevertException;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.execute.RevertJob;
import dev.rollback.agent.execute.RevertOutcome;
import dev.rollback.agent.leader.LeaderElection;
import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RequestStore;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.ledger.DeadLetters;
import dev.rollback.core.ledger.DeploymentRecord;
import dev.rollback.core.ledger.DeploymentResult;
import dev.rollback.core.ledger.LedgerFailure;
import dev.rollback.core.ledger.LedgerText;
import dev.rollback.core.ledger.MicroserviceVersion;
import dev.rollback.core.ledger.RollbackLedger;
import dev.rollback.core.ledger.RollbackOutcome;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 *     rollback by actor {@value RollbackActors#AGENT} (see {@link #record}), its text escaped to one line
 *     ({@link LedgerText}); a ledger write that fails because the database is unavailable is
 *     retried until it succeeds, backing off from half a second to a minute; one the database
 *     refuses as data is set aside ({@link #deadLetters()}) and never holds up the others;</li>
 * <li>requests that were running when the agent stopped are carried out again with the plan they
 *     had, after a restart; dry-run outcomes are not recorded;</li>
 * <li>with several agents on one store, only the leader ({@link LeaderElection}) dispatches,
 *     resumes and records: an agent that becomes the leader resumes what is {@code RUNNING} in the
 *     store, and one that stops leading interrupts its running reverts, leaving them to the leader.</li>
 * </ul>
 *
 * <p>One dispatcher thread and a pool of {@code maxInFlight} workers; {@link #close()} stops them,
 * leaving running requests in the store to be resumed by the next start.
 */
public final class RevertScheduler implements AutoCloseable {

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
    private final LeaderElection leadership;
    private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
    private volatile boolean leading;
    private boolean started;
    private final Set<String> recording = ConcurrentHashMap.newKeySet();
    private final DeadLetters<RevertRequest> deadLetters = new DeadLetters<>(DeadLetters.DEFAULT_CAPACITY);
    private volatile Duration ledgerBackoff = Duration.ZERO;
    private volatile long nextLedgerRetryNanos;

    /**
     * Creates a scheduler that is alone on its store; nothing runs until {@link #start()}.
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
        this(config, store, executors, ledger, clock, registry, LeaderElection.sole());
    }

    /**
     * Creates a scheduler that acts only while it leads; nothing runs until {@link #start()}.
     *
     * @param config     the agent's configuration
     * @param store      the request store; not closed by the scheduler
     * @param executors  the executor of each service
     * @param ledger     where reverts are recorded
     * @param clock      the clock for times and cool-downs
     * @param registry   where the meters go
     * @param leadership whether this agent leads; not closed by the scheduler
     */
    public RevertScheduler(AgentConfig config, RequestStore store, Function<ServiceConfig, RevertExecutor> executors,
                           RollbackLedger ledger, Clock clock, MeterRegistry registry, LeaderElection leadership) {
        this.leadership = Objects.requireNonNull(leadership, "leadership");
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
        Gauge.builder(AgentMetricNames.LEADER, this, s -> s.leading ? 1 : 0)
                .description("Whether this agent leads (1) and acts, or follows (0)").register(registry);
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
        while (!closing) {
            long waitMillis = MAX_WAIT_MILLIS;
            try {
                boolean leader = leadership.isLeader();
                if (leader != leading) {
                    leading = leader;
                    if (leader) {
                        resumeRunning();
                    } else {
                        stepDown();
                    }
                }
                if (leader) {
                    recordDue();
                    waitMillis = dispatch();
                }
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

    /**
     * No longer the leader: the reverts running here are interrupted (a command is killed) and stay
     * {@code RUNNING} in the store, for the new leader to carry out.
     */
    private void stepDown() {
        LOG.warn("This agent no longer leads; interrupting its {} running reverts, which the leader resumes",
                running.size());
        running.values().forEach(f -> f.cancel(true));
    }

    private void resumeRunning() {
        try {
            for (RevertRequest r : store.inState(RequestState.RUNNING)) {
                if (inFlight.putIfAbsent(r.service(), r.id()) != null) {
                    continue; // still ending here after a step-down
                }
                LOG.info("Resuming revert {} of {}, which was running when its agent stopped or stepped down", r.id(),
                        r.service());
                run(r, true);
            }
        } catch (RuntimeException e) {
            LOG.error("Could not resume the reverts left running; they stay in the store: {}", e.toString(), e);
        }
    }

    private void run(RevertRequest request, boolean resumed) {
        Future<?> future = workers.submit(() -> {
            try {
                work(request, resumed);
            } finally {
                running.remove(request.id());
            }
        });
        running.put(request.id(), future);
        if (future.isDone()) {
            running.remove(request.id(), future);
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
                run(store.find(r.id()).orElse(r), false);
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
        if ((closing || !leading) && Thread.currentThread().isInterrupted()) {
            LOG.info("Revert {} was interrupted by the agent stopping or stepping down; the leader resumes it",
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

    /**
     * Records an ended revert; returns whether the next one may be tried now. A revert whose record
     * the ledger refuses as data ({@link LedgerFailure#RECORD_REJECTED}; its text was escaped on the
     * way in, so retrying cannot help) is set aside: counted, logged once at ERROR, kept in the
     * dead-letter list and marked recorded, so it never holds up the reverts behind it. Any other
     * failure backs off and is retried.
     */
    private boolean recordQuietly(RevertRequest ended) {
        // The worker that ended the revert and the dispatcher's retry may meet here.
        if (!recording.add(ended.id())) {
            return true;
        }
        try {
            if (store.unrecorded().stream().noneMatch(r -> r.id().equals(ended.id()))) {
                return true;
            }
            record(ended);
            store.recorded(ended.id());
            ledgerBackoff = Duration.ZERO;
            return true;
        } catch (RuntimeException e) {
            if (LedgerFailure.of(e) == LedgerFailure.RECORD_REJECTED) {
                setAside(ended, e);
                return true;
            }
            Counter.builder(AgentMetricNames.LEDGER_FAILURES).description("Ledger writes that failed and are retried")
                    .register(registry).increment();
            ledgerBackoff = ledgerBackoff.isZero() ? LEDGER_MIN_BACKOFF
                    : ledgerBackoff.multipliedBy(2).compareTo(LEDGER_MAX_BACKOFF) > 0 ? LEDGER_MAX_BACKOFF
                    : ledgerBackoff.multipliedBy(2);
            nextLedgerRetryNanos = clock.monotonicTime() + ledgerBackoff.toNanos();
            LOG.warn("Recording revert {} in the ledger failed; retrying in {}: {}", ended.id(), ledgerBackoff,
                    e.toString());
            return false;
        } finally {
            recording.remove(ended.id());
        }
    }

    private void setAside(RevertRequest ended, RuntimeException failure) {
        Counter.builder(AgentMetricNames.LEDGER_REJECTED)
                .description("Revert records the ledger refused as data, set aside and not retried")
                .register(registry).increment();
        deadLetters.add(ended);
        LOG.error("The ledger refused the record of revert {} as data; set aside and not retried (the request"
                + " stays in the store): {}: {}", ended.id(), LedgerText.escape(ended.toString()),
                LedgerText.escape(failure.toString()));
        store.recorded(ended.id());
    }

    /**
     * Returns the ended reverts whose ledger record the ledger refused as data, oldest first: at most
     * {@value DeadLetters#DEFAULT_CAPACITY}, the most recent ones. Each stays in the request store.
     *
     * @return the requests
     */
    public List<RevertRequest> deadLetters() {
        return deadLetters.list();
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
        String from = versionText(r.plan() != null && !r.plan().fromVersion().isEmpty() ? r.plan().fromVersion()
                : r.fromVersion() != null ? r.fromVersion() : "unknown");
        String to = versionText(r.plan() != null && !r.plan().toVersion().isEmpty() ? r.plan().toVersion() : null);
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
        ledger.recordRollback(new RollbackRecord(r.id(), deploymentId, at,
                LedgerText.reason(r.reason() + " — " + r.detail()), null,
                RollbackScope.INSTANCE, RollbackActors.AGENT, r.trigger().label(), from, to, outcome(r.state())));
    }

    private static RollbackOutcome outcome(RequestState ended) {
        return switch (ended) {
            case SUCCEEDED -> RollbackOutcome.SUCCEEDED;
            case SKIPPED -> RollbackOutcome.SKIPPED;
            case CANCELLED -> RollbackOutcome.CANCELLED;
            case FAILED, QUEUED, RUNNING, DRY_RUN -> RollbackOutcome.FAILED;
        };
    }

    /** A version as the ledger keeps it: one escaped line of at most the ledger's name length. */
    private static String versionText(String version) {
        return version == null ? null : LedgerText.cut(LedgerText.escape(version), LedgerText.MAX_NAME_LENGTH);
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
