package dev.rollback.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.AlertmanagerConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.metrics.AgentMetricNames;
import dev.rollback.agent.request.Submission;
import dev.rollback.agent.request.Trigger;
import dev.rollback.agent.throttle.RevertScheduler;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent does with one Alertmanager webhook payload (version 4), whatever carries it.
 *
 * <p>Each alert of the group, in order:
 * <ol>
 * <li>without the action label and value ({@code rollback_action="revert"}): ignored; if it names a
 *     configured service, the agent warns once per service, since the action label or value may be
 *     misconfigured and then every alert would be ignored;</li>
 * <li>resolved: ignored;</li>
 * <li>firing but ended ({@code endsAt} set and not after now, Alertmanager's own rule for resolved):
 *     skipped, counted ({@code result=ended}) and logged;</li>
 * <li>without the service label, naming a service the agent is not configured for, or naming
 *     another namespace (label {@code namespace}) than the service's that {@code alertmanager.namespaces}
 *     does not allow for it: refused. A service reverted through Kubernetes whose alert names an allowed
 *     namespace is reverted there (its Deployment, in the alert's namespace); like any request, it joins
 *     the service's queued or running revert if there is one, whatever that one's namespace.</li>
 * </ol>
 * One refused alert makes the whole group <b>422</b> and nothing of it is queued: Alertmanager does
 * not retry a 4xx and logs it with the body, which names each refused alert by fingerprint and
 * {@code alertname} and the label that is missing or wrong; reverting the rest of a group whose rule
 * is wrong would hide the error behind a partial success. Otherwise each revert alert is submitted,
 * deduplicated by group key, fingerprint and {@code startsAt}. A group that Alertmanager sent with
 * {@code truncatedAlerts > 0} is logged and counted per receiver: those alerts never reach the agent.
 * Bad input never gets a 5xx.
 */
public final class AlertmanagerWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerWebhook.class);

    private final AgentConfig config;
    private final AlertmanagerConfig labels;
    private final RevertScheduler scheduler;
    private final MeterRegistry registry;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> warnedServices = ConcurrentHashMap.newKeySet();

    /**
     * Creates the handler.
     *
     * @param config    the agent's configuration: the labels and the services
     * @param scheduler where reverts go
     * @param registry  where the meters go
     * @param clock     tells when an alert has ended
     */
    public AlertmanagerWebhook(AgentConfig config, RevertScheduler scheduler, MeterRegistry registry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.labels = config.alertmanager();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Handles one payload.
     *
     * @param body the request body
     * @return the answer: the reverts submitted and how many alerts were ignored, resolved and ended
     * @throws BadRequestException 400 for a payload that is not version 4 or misses a field, 422 for a
     *                             refused alert
     */
    public Map<String, Object> receive(String body) {
        AlertmanagerPayload payload = AlertmanagerPayload.parse(json, body);
        if (payload.truncatedAlerts() > 0) {
            LOG.warn("Alertmanager receiver '{}' left {} alerts out of group {} (its max_alerts): they never reach"
                    + " the agent; raise max_alerts or split the route", payload.receiver(),
                    payload.truncatedAlerts(), payload.groupKey());
            Counter.builder(AgentMetricNames.ALERTS_TRUNCATED)
                    .description("Alerts that Alertmanager left out of a webhook group (truncatedAlerts)")
                    .tag("receiver", payload.receiver()).register(registry).increment(payload.truncatedAlerts());
        }
        Instant now = Instant.ofEpochMilli(clock.wallTime());
        List<String> rejected = new ArrayList<>();
        List<AlertmanagerPayload.Alert> reverts = new ArrayList<>();
        int ignored = 0;
        int resolved = 0;
        int ended = 0;
        for (int i = 0; i < payload.alerts().size(); i++) {
            AlertmanagerPayload.Alert a = payload.alerts().get(i);
            String service = a.labels().get(labels.serviceLabel());
            if (!labels.actionValue().equals(a.labels().get(labels.actionLabel()))) {
                warnIfKnown(service, a);
                ignored++;
            } else if (!a.firing()) {
                resolved++;
            } else if (a.endedAt(now)) {
                LOG.info("Alert ({}) of group {} is firing but ended at {} (not after now, {}): skipped",
                        a.name(), payload.groupKey(), a.endsAt(), now);
                ended++;
            } else {
                String refusal = refusal(a, service);
                if (refusal == null) {
                    reverts.add(a);
                } else {
                    rejected.add("alerts[" + i + "] (" + a.name() + ") " + refusal);
                }
            }
        }
        count("ignored", ignored);
        count("resolved", resolved);
        count("ended", ended);
        if (!rejected.isEmpty()) {
            count("rejected", rejected.size());
            LOG.warn("Refused Alertmanager group {} of receiver '{}': {}", payload.groupKey(), payload.receiver(),
                    rejected);
            throw new BadRequestException(422, String.join("; ", rejected) + "; nothing of this group was queued");
        }
        List<Map<String, Object>> done = new ArrayList<>();
        for (AlertmanagerPayload.Alert a : reverts) {
            String service = a.labels().get(labels.serviceLabel());
            String dedupeKey = payload.groupKey() + '\n' + a.fingerprint() + '\n' + a.startsAt();
            Submission s = scheduler.submit(service, Trigger.ALERT, reason(a), a.labels().get("version"), null,
                    dedupeKey, otherNamespace(a, config.service(service).orElseThrow()));
            String result = s.outcome().name().toLowerCase(Locale.ROOT);
            count(result, 1);
            done.add(Map.of("service", service, "result", result, "request", s.request().id()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reverts", done);
        answer.put("ignored", ignored);
        answer.put("resolved", resolved);
        answer.put("ended", ended);
        return answer;
    }

    /** Why a firing revert alert cannot be queued, or {@code null} if it can. */
    private String refusal(AlertmanagerPayload.Alert a, String service) {
        if (service == null || service.isBlank()) {
            return "asks for a revert but has no label '" + labels.serviceLabel() + "' naming the service";
        }
        Optional<ServiceConfig> configured = config.service(service);
        if (configured.isEmpty()) {
            return "names service '" + service + "' (label '" + labels.serviceLabel() + "'), which the agent is not"
                    + " configured for";
        }
        String namespace = a.labels().get(labels.namespaceLabel());
        String expected = namespace(configured.get());
        if (namespace != null && !expected.isEmpty() && !namespace.equals(expected)
                && otherNamespace(a, configured.get()) == null) {
            return "names namespace '" + namespace + "' (label '" + labels.namespaceLabel() + "'), but service '"
                    + service + "' is configured in namespace '" + expected + "'" + (configured.get().executor()
                            .inCluster() ? " and alertmanager.namespaces does not allow it"
                            : " and is reverted by a command, which only knows that namespace");
        }
        return null;
    }

    /**
     * The namespace an alert names for a service reverted in the cluster when it is not the
     * configured one but {@code alertmanager.namespaces} allows it; otherwise {@code null}.
     */
    private String otherNamespace(AlertmanagerPayload.Alert a, ServiceConfig service) {
        String namespace = a.labels().get(labels.namespaceLabel());
        return service.executor().inCluster() && namespace != null
                && !namespace.equals(service.executor().namespace()) && labels.namespaces().contains(namespace) ? namespace : null;
    }

    private static String namespace(ServiceConfig service) {
        return service.executor().namespace();
    }

    private void warnIfKnown(String service, AlertmanagerPayload.Alert a) {
        if (service != null && scheduler.knows(service) && warnedServices.add(service)) {
            LOG.warn("Alert ({}) names service '{}' but not {}=\"{}\" (its {} is {}): it and every alert like it are"
                    + " ignored. If it should revert, fix the rule's labels or alertmanager.actionLabel/actionValue;"
                    + " this is logged once per service", a.name(), service, labels.actionLabel(),
                    labels.actionValue(), labels.actionLabel(), a.labels().containsKey(labels.actionLabel())
                            ? "'" + a.labels().get(labels.actionLabel()) + "'" : "not set");
        }
    }

    private static String reason(AlertmanagerPayload.Alert a) {
        String name = a.labels().getOrDefault("alertname", "alert");
        String text = a.annotations().getOrDefault("summary", a.annotations().getOrDefault("description", ""));
        return "alert " + name + " firing since " + a.startsAt() + (text.isEmpty() ? "" : ": " + text);
    }

    private void count(String result, int n) {
        if (n > 0) {
            Counter.builder(AgentMetricNames.ALERTS).description("Alerts received").tag("result", result)
                    .register(registry).increment(n);
        }
    }
}
