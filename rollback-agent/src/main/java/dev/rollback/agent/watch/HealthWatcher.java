package dev.rollback.agent.watch;

import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.agent.throttle.RevertScheduler;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the health reports of every watched service's instances and asks for a revert when at
 * least the service's quorum of instances has reported {@code ROLLBACK_REQUESTED} for its number of
 * consecutive polls. Any other answer (another status, no answer, not a report, a report of another
 * service) resets an instance's count. After it asks, the service's counts start again, and it does
 * not ask while the service has a revert queued or running or is cooling down.
 */
public final class HealthWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthWatcher.class);

    private final AgentConfig config;
    private final InstanceSource source;
    private final HealthFetcher fetcher;
    private final RevertScheduler scheduler;
    private final MeterRegistry registry;
    private final HealthReportParser parser = new HealthReportParser();
    private final Map<String, Map<URI, Streak>> streaks = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /** How many polls in a row an instance asked, and what it said last. */
    private record Streak(int count, HealthReport last) {
    }

    /**
     * Creates a watcher; it polls once {@link #start()} is called, or on each {@link #pollOnce()}.
     *
     * @param config    the agent's configuration
     * @param source    lists the instances
     * @param fetcher   reads a report
     * @param scheduler where requests go
     * @param registry  where the meters go
     */
    public HealthWatcher(AgentConfig config, InstanceSource source, HealthFetcher fetcher, RevertScheduler scheduler,
                         MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Polls every watched service at the configured interval, on one thread.
     *
     * @return this watcher
     */
    public synchronized HealthWatcher start() {
        if (timer == null && config.services().values().stream().anyMatch(ServiceConfig::watched)) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rollback-agent-watcher");
                t.setDaemon(true);
                return t;
            });
            long every = config.watch().interval().toMillis();
            timer.scheduleWithFixedDelay(() -> {
                try {
                    pollOnce();
                } catch (RuntimeException e) {
                    LOG.warn("A health poll failed: {}", e.toString(), e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Polls every watched service's instances once and asks for the reverts that are due.
     *
     * @return the submissions made, possibly none
     */
    public List<Submission> pollOnce() {
        List<Submission> made = new ArrayList<>();
        for (ServiceConfig service : config.services().values()) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            if (service.watched()) {
                Submission s = poll(service);
                if (s != null) {
                    made.add(s);
                }
            }
        }
        return made;
    }

    private Submission poll(ServiceConfig service) {
        List<URI> instances = source.instances(service);
        Map<URI, Streak> previous = streaks.getOrDefault(service.name(), Map.of());
        Map<URI, Streak> now = new HashMap<>();
        for (URI url : instances) {
            HealthReport report = read(service, url);
            Streak before = previous.get(url);
            if (report != null && report.status() == HealthStatus.ROLLBACK_REQUESTED) {
                now.put(url, new Streak(before == null ? 1 : before.count() + 1, report));
            } else {
                now.put(url, new Streak(0, report));
            }
        }
        streaks.put(service.name(), now);
        int consecutive = service.consecutive() > 0 ? service.consecutive() : config.watch().consecutive();
        List<HealthReport> asking = now.values().stream().filter(s -> s.count() >= consecutive)
                .map(Streak::last).toList();
        int required = service.quorum().required(instances.size());
        if (asking.isEmpty() || asking.size() < required) {
            return null;
        }
        if (!scheduler.quiet(service.name())) {
            LOG.debug("{} of {} instances of {} ask for a revert, but a revert is queued, running or cooling down",
                    asking.size(), instances.size(), service.name());
            return null;
        }
        String fromVersion = asking.stream()
                .collect(Collectors.groupingBy(HealthReport::version, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        HealthReport first = asking.stream().min(Comparator.comparing(HealthReport::instance)).orElseThrow();
        String reason = asking.size() + " of " + instances.size() + " instances of " + service.name()
                + " reported ROLLBACK_REQUESTED for " + consecutive + " polls in a row (quorum " + service.quorum()
                + "); " + first.instance() + ": " + first.reason();
        Submission s = scheduler.submit(service.name(), Trigger.HEALTH, reason, fromVersion, null, null);
        streaks.remove(service.name());
        return s;
    }

    /**
     * Reads one instance's report. Any HTTP status may carry a report (an instance that asks to be
     * reverted answers 503); an answer other than 200 without a report counts as unreachable (a 401,
     * a 503 of a proxy or of Spring's health group), a 200 without one as invalid.
     */
    private HealthReport read(ServiceConfig service, URI url) {
        String result;
        HealthReport report = null;
        try {
            HealthFetcher.Answer answer = fetcher.fetch(url);
            try {
                report = parser.parse(answer.body());
            } catch (IllegalArgumentException e) {
                if (answer.status() != 200) {
                    throw new IOException("HTTP " + answer.status() + " without a health report (" + e.getMessage()
                            + ")", e);
                }
                throw e;
            }
            if (!report.service().equals(service.name())) {
                LOG.warn("{} reports service '{}', not '{}'; ignored", url, report.service(), service.name());
                report = null;
                result = "invalid";
            } else {
                result = report.status().name().toLowerCase(Locale.ROOT);
            }
        } catch (IOException e) {
            LOG.debug("{} of {} did not answer a report: {}", url, service.name(), e.getMessage());
            result = "unreachable";
        } catch (IllegalArgumentException e) {
            LOG.warn("{} of {} did not answer a health report: {}", url, service.name(), e.getMessage());
            result = "invalid";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = "unreachable";
        }
        Counter.builder(AgentMetricNames.HEALTH_POLLS).description("Health polls of instances")
                .tag("result", result).register(registry).increment();
        return report;
    }

    /** Stops polling. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /**
     * Returns a source that lists fixed instances per service, for tests and simple set-ups.
     *
     * @param urls the URLs by service name
     * @return the source
     */
    public static InstanceSource fixed(Map<String, List<URI>> urls) {
        Map<String, List<URI>> copy = Map.copyOf(urls);
        return service -> copy.getOrDefault(service.name(), List.of());
    }
}
