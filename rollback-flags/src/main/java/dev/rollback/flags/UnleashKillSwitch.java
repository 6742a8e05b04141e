package dev.rollback.flags;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackScope;
import io.micrometer.core.instrument.Clock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a rolled back feature's flag off for the whole fleet, through the Unleash admin API
 * ({@code POST /api/admin/projects/{project}/features/{flag}/environments/{environment}/off}), so
 * that every other instance's SDK sees the flag off at its next poll.
 *
 * <pre>{@code
 * UnleashKillSwitch killSwitch = new UnleashKillSwitch(UnleashKillSwitchConfig.custom()
 *         .adminUrl("https://unleash.example.com").token(adminToken).environment("production").build());
 * killSwitch.attachTo(registry);   // every feature rollback of the registry now turns its flag off
 * }</pre>
 *
 * <p>Requests run off the calling thread. Turning a flag off is idempotent, so a request is retried
 * with exponential backoff after a 5xx answer, a timeout or a refused connection, up to
 * {@link UnleashKillSwitchConfig#maxAttempts()}. A 401 or 403 means the token will not do: it is
 * reported once, clearly, at ERROR, and never retried. A 404 (no such flag, project or environment) is
 * not retried either. Each outcome is published as a {@link KillSwitchEvent} and recorded in the
 * registry's ledger as the {@linkplain RollbackOutcome outcome} of the rollback's one record: the
 * record that the guard's rollback wrote (its {@link RollbackEvent#recordId()}), or, for a flag
 * turned off through {@link #turnOff(String)} alone, a feature rollback by
 * {@link RollbackActors#UNLEASH_KILL_SWITCH}. While a request for a flag is under way, another for
 * the same flag joins it.
 */
public final class UnleashKillSwitch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UnleashKillSwitch.class);

    private static final int MAX_BODY_IN_DETAIL = 200;

    private final UnleashKillSwitchConfig config;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<KillSwitchEvent>> inFlight = new ConcurrentHashMap<>();
    /** Per request under way, the rollback records its outcome goes on (empty: a record of its own). */
    private final Map<CompletableFuture<KillSwitchEvent>, List<Optional<String>>> toRecord = new ConcurrentHashMap<>();
    private final Set<String> onWire = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean unauthorizedReported = new AtomicBoolean();
    private volatile RollbackRegistry registry;
    private volatile boolean closed;

    /**
     * Creates a kill switch. It does nothing until {@linkplain #attachTo(RollbackRegistry) attached}
     * or {@linkplain #turnOff(String) asked}.
     *
     * @param config how to reach the admin API
     */
    public UnleashKillSwitch(UnleashKillSwitchConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollback-unleash-kill-switch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Turns off, fleet-wide, the flag of every feature that {@code registry} rolls back from now on,
     * and reports each outcome through the registry (event and ledger).
     *
     * @param rollbackRegistry the registry
     * @return this kill switch
     */
    public UnleashKillSwitch attachTo(RollbackRegistry rollbackRegistry) {
        this.registry = Objects.requireNonNull(rollbackRegistry, "registry");
        rollbackRegistry.getEventPublisher().onRollback(this::onRollback);
        return this;
    }

    private void onRollback(RollbackEvent event) {
        if (event.scope() == RollbackScope.FEATURE || event.scope() == RollbackScope.FLEET) {
            turnOff(event.feature(), event.recordId());
        }
    }

    /**
     * Turns {@code feature}'s flag off in the configured project and environment, and, when attached,
     * records it in the registry's ledger as a feature rollback by
     * {@link RollbackActors#UNLEASH_KILL_SWITCH} with its outcome.
     *
     * @param feature the feature, which is the flag's name
     * @return the outcome, when known; never completes exceptionally
     */
    public CompletableFuture<KillSwitchEvent> turnOff(String feature) {
        return turnOff(feature, null);
    }

    /**
     * Turns the flag off; the outcome goes on the rollback record {@code recordId}, or on a record
     * of its own when there is none.
     */
    private CompletableFuture<KillSwitchEvent> turnOff(String feature, @Nullable String recordId) {
        FeatureNames.requireValid(feature);
        CompletableFuture<KillSwitchEvent> outcome = join(feature);
        Optional<String> record = Optional.ofNullable(recordId);
        synchronized (outcome) {
            // complete() takes the records to write under the same lock, before it completes the future.
            if (outcome.isDone()) {
                record(outcome.join(), record);
            } else {
                toRecord.computeIfAbsent(outcome, o -> new ArrayList<>()).add(record);
            }
        }
        return outcome;
    }

    private CompletableFuture<KillSwitchEvent> join(String feature) {
        if (closed) {
            CompletableFuture<KillSwitchEvent> refused = new CompletableFuture<>();
            complete(refused, feature, KillSwitchEvent.Outcome.FAILED, 0, 0,
                    "kill switch closed: flag '" + feature + "' was not turned off in Unleash");
            return refused;
        }
        return inFlight.computeIfAbsent(feature, f -> {
            CompletableFuture<KillSwitchEvent> outcome = new CompletableFuture<>();
            outcome.whenComplete((event, error) -> inFlight.remove(f, outcome));
            attempt(f, 1, config.initialBackoff(), outcome);
            return outcome;
        });
    }

    private void attempt(String feature, int attempt, Duration backoff, CompletableFuture<KillSwitchEvent> outcome) {
        if (closed) {
            complete(outcome, feature, KillSwitchEvent.Outcome.FAILED, attempt - 1, 0,
                    "kill switch closed before flag '" + feature + "' was turned off in Unleash");
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(offUri(feature))
                .timeout(config.requestTimeout())
                .header("Authorization", config.token())
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        onWire.add(feature);
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, error) -> {
                    onWire.remove(feature);
                    try {
                        handle(feature, attempt, backoff, outcome, response, error);
                    } catch (RuntimeException e) {
                        complete(outcome, feature, KillSwitchEvent.Outcome.FAILED, attempt, 0,
                                "kill switch failed unexpectedly: " + e.getClass().getName());
                    }
                });
    }

    private void handle(String feature, int attempt, Duration backoff, CompletableFuture<KillSwitchEvent> outcome,
                        HttpResponse<String> response, Throwable error) {
        String where = "flag '" + feature + "' in Unleash project '" + config.project() + "', environment '"
                + config.environment() + "'";
        if (error == null) {
            int status = response.statusCode();
            if (status / 100 == 2) {
                complete(outcome, feature, KillSwitchEvent.Outcome.TURNED_OFF, attempt, status,
                        "turned off " + where + " (HTTP " + status + ", attempt " + attempt + ")");
                return;
            }
            if (status == 401 || status == 403) {
                complete(outcome, feature, KillSwitchEvent.Outcome.UNAUTHORIZED, attempt, status,
                        "the Unleash admin API refused the kill switch's token (HTTP " + status + ") for " + where
                                + "; the flag is still on for other instances. Give the token the right to"
                                + " change flags in that project and environment (an admin token, or a personal"
                                + " access token of a user who may)");
                return;
            }
            if (status == 404) {
                complete(outcome, feature, KillSwitchEvent.Outcome.NOT_FOUND, attempt, status,
                        "Unleash has no " + where + " (HTTP 404: " + body(response) + ")");
                return;
            }
            if (status / 100 != 5) {
                complete(outcome, feature, KillSwitchEvent.Outcome.FAILED, attempt, status,
                        "Unleash refused to turn off " + where + " (HTTP " + status + ": " + body(response) + ")");
                return;
            }
        }
        String failure = error == null ? "HTTP " + response.statusCode() + ": " + body(response) : describe(error);
        if (attempt >= config.maxAttempts() || closed) {
            complete(outcome, feature, KillSwitchEvent.Outcome.FAILED, attempt,
                    error == null ? response.statusCode() : 0,
                    "could not turn off " + where + " after " + attempt + " attempt(s); last: " + failure);
            return;
        }
        log.warn("Turning off {} failed (attempt {} of {}: {}); retrying in {} ms", where, attempt,
                config.maxAttempts(), failure, backoff.toMillis());
        Duration next = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff()
                : backoff.multipliedBy(2);
        scheduler.schedule(() -> attempt(feature, attempt + 1, next, outcome), backoff.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Reports the outcome, then completes the future with it (so that whoever waits on it finds the
     * report done); once: a late second completion does nothing.
     */
    private void complete(CompletableFuture<KillSwitchEvent> future, String feature, KillSwitchEvent.Outcome outcome,
                          int attempts, int status, String detail) {
        synchronized (future) {
            if (future.isDone()) {
                return;
            }
            KillSwitchEvent event = event(feature, outcome, attempts, status, detail);
            report(event);
            toRecord.getOrDefault(future, List.of()).forEach(record -> record(event, record));
            toRecord.remove(future);
            future.complete(event);
        }
    }

    private KillSwitchEvent event(String feature, KillSwitchEvent.Outcome outcome, int attempts, int status,
                                  String detail) {
        RollbackRegistry r = registry;
        Instant time = Instant.ofEpochMilli((r != null ? r.meterRegistry().config().clock() : Clock.SYSTEM).wallTime());
        return new KillSwitchEvent(feature, time, outcome, attempts, status, detail);
    }

    private void report(KillSwitchEvent event) {
        String feature = event.feature();
        String detail = event.detail();
        int status = event.httpStatus();
        RollbackRegistry r = registry;
        switch (event.outcome()) {
            case TURNED_OFF -> log.info("Kill switch: {}", detail);
            case UNAUTHORIZED -> {
                if (unauthorizedReported.compareAndSet(false, true)) {
                    log.error("Kill switch: {}", detail);
                } else {
                    log.warn("Kill switch: token refused again (HTTP {}) for flag '{}'", status, feature);
                }
            }
            default -> log.error("Kill switch: {}", detail);
        }
        if (r != null) {
            r.getEventPublisher().publish(event);
        }
    }

    /** Records the outcome on the rollback's record, or as a feature rollback of the kill switch's own. */
    private void record(KillSwitchEvent event, Optional<String> recordId) {
        RollbackRegistry r = registry;
        if (r == null) {
            return;
        }
        RollbackOutcome outcome = event.outcome() == KillSwitchEvent.Outcome.TURNED_OFF ? RollbackOutcome.SUCCEEDED
                : RollbackOutcome.FAILED;
        recordId.ifPresentOrElse(id -> r.recordOutcome(id, outcome), () -> r.recordRollback(event.feature(),
                event.detail(), RollbackScope.FEATURE, RollbackActors.UNLEASH_KILL_SWITCH, outcome));
    }

    private URI offUri(String feature) {
        return URI.create(config.adminUrl() + "/api/admin/projects/" + segment(config.project()) + "/features/"
                + segment(feature) + "/environments/" + segment(config.environment()) + "/off");
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The response body for a detail: the token masked, on one line, cut short. */
    private String body(HttpResponse<String> response) {
        String body = response.body() == null ? ""
                : response.body().replace(config.token(), "****").replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return body.length() <= MAX_BODY_IN_DETAIL ? body : body.substring(0, MAX_BODY_IN_DETAIL) + "...";
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (cause instanceof IOException) {
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return cause.toString();
    }

    /**
     * Stops retrying, and waits up to one request timeout for requests on the wire; a flag whose
     * request has not succeeded by then is answered, reported and recorded as FAILED.
     */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        while (!onWire.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        inFlight.forEach((feature, outcome) -> complete(outcome, feature, KillSwitchEvent.Outcome.FAILED, 0, 0,
                "kill switch closed before flag '" + feature + "' was turned off in Unleash"));
    }

    @Override
    public String toString() {
        return "UnleashKillSwitch{" + config + '}';
    }
}
