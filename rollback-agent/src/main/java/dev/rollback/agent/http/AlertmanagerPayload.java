package dev.rollback.agent.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Alertmanager webhook payload, version 4, as Alertmanager sends it:
 * <pre>{@code
 * {"version": "4", "groupKey": "{}:{alertname=\"CheckoutErrors\"}", "truncatedAlerts": 0,
 *  "status": "firing", "receiver": "rollback-agent", "groupLabels": {...}, "commonLabels": {...},
 *  "commonAnnotations": {...}, "externalURL": "http://alertmanager:9093",
 *  "alerts": [{"status": "firing", "labels": {...}, "annotations": {...},
 *              "startsAt": "2026-11-26T10:15:30.123Z", "endsAt": "0001-01-01T00:00:00Z",
 *              "generatorURL": "...", "fingerprint": "c6b3f8a1e2d4f5a6"}]}
 * }</pre>
 * Alertmanager writes the fields in this order (its {@code template.Data}, then {@code version},
 * {@code groupKey}, {@code truncatedAlerts}); 0.32 added {@code notification_reason} after
 * {@code alerts}, 0.34 {@code routeLabels} after {@code commonAnnotations}. Only what the agent uses
 * is checked; other fields, these included, are ignored.
 *
 * @param receiver        the receiver's name, or empty if the payload has none
 * @param groupKey        the group's key
 * @param status          the group's status
 * @param truncatedAlerts how many alerts of the group Alertmanager left out ({@code max_alerts} of
 *                        the receiver); they never reach the agent
 * @param alerts          the alerts
 */
public record AlertmanagerPayload(String receiver, String groupKey, String status, long truncatedAlerts,
                                  List<Alert> alerts) {

    /** The payload version this parser reads. */
    public static final String VERSION = "4";

    /**
     * One alert of a group.
     *
     * @param status      {@code firing} or {@code resolved}, as Alertmanager saw it when it sent the group
     * @param labels      its labels
     * @param annotations its annotations, possibly empty
     * @param startsAt    when it started firing
     * @param endsAt      when it ends or ended, or {@code null} if not set (Go's zero time,
     *                    {@code 0001-01-01T00:00:00Z})
     * @param fingerprint its fingerprint
     */
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
                        Instant endsAt, String fingerprint) {

        /**
         * Copies the maps.
         */
        public Alert {
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
            Objects.requireNonNull(startsAt, "startsAt");
        }

        /**
         * Whether the alert is firing.
         *
         * @return {@code true} if firing
         */
        public boolean firing() {
            return "firing".equals(status);
        }

        /**
         * Whether the alert has ended at a time, by Alertmanager's own rule (prometheus/common
         * {@code model.Alert.ResolvedAt}): its end is set and not after that time. A firing alert
         * that Prometheus keeps sending has its end in the future; one whose end has passed was
         * resolved, or its source stopped sending it, even if the group still says firing.
         *
         * @param now the time
         * @return {@code true} if ended
         */
        public boolean endedAt(Instant now) {
            return endsAt != null && !endsAt.isAfter(now);
        }

        /**
         * Names the alert for messages: its fingerprint and {@code alertname}, as Alertmanager's log
         * and UI show them.
         *
         * @return e.g. {@code fingerprint c6b3f8a1e2d4f5a6, alertname CheckoutErrors}
         */
        public String name() {
            return "fingerprint " + fingerprint + ", alertname " + labels.getOrDefault("alertname", "(none)");
        }
    }

    /** Go's zero time, which Alertmanager writes for an unset {@code endsAt}. */
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    /**
     * Copies the alerts.
     */
    public AlertmanagerPayload {
        alerts = List.copyOf(alerts);
    }

    /**
     * Reads a payload.
     *
     * @param mapper the JSON mapper
     * @param body   the request body
     * @return the payload
     * @throws BadRequestException (400) naming the first field that is missing or wrong
     */
    public static AlertmanagerPayload parse(ObjectMapper mapper, String body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequestException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException(400, "the body is not a JSON object (an Alertmanager webhook payload)");
        }
        String version = text(root, "version", "");
        if (!VERSION.equals(version)) {
            throw new BadRequestException(400, "version: '" + version + "' is not the Alertmanager webhook version "
                    + VERSION);
        }
        String groupKey = text(root, "groupKey", "");
        String status = status(root, "status", "");
        JsonNode receiver = root.get("receiver");
        JsonNode truncated = root.get("truncatedAlerts");
        if (truncated != null && !(truncated.isIntegralNumber() && truncated.asLong() >= 0)) {
            throw new BadRequestException(400, "truncatedAlerts: " + truncated + " is not a count");
        }
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw new BadRequestException(400, "alerts: missing or not a list");
        }
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode a = alerts.get(i);
            if (!a.isObject()) {
                throw new BadRequestException(400, "alerts[" + i + "]: not an object");
            }
            JsonNode fingerprint = a.get("fingerprint");
            String where = "alerts[" + i + "]" + (fingerprint != null && fingerprint.isTextual()
                    ? " (fingerprint " + fingerprint.asText() + ")" : "") + ".";
            out.add(new Alert(status(a, "status", where), strings(a, "labels", where, true),
                    strings(a, "annotations", where, false), time(a, "startsAt", where, true),
                    time(a, "endsAt", where, false), text(a, "fingerprint", where)));
        }
        return new AlertmanagerPayload(receiver != null && receiver.isTextual() ? receiver.asText() : "", groupKey,
                status, truncated == null ? 0 : truncated.asLong(), out);
    }

    private static Instant time(JsonNode node, String field, String where, boolean required) {
        if (!required && (node.get(field) == null || node.get(field).isNull())) {
            return null;
        }
        String text = text(node, field, where);
        Instant time;
        try {
            time = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(400, where + field + ": '" + text + "' is not an RFC 3339 time");
        }
        return time.equals(GO_ZERO_TIME) && !required ? null : time;
    }

    private static String status(JsonNode node, String field, String where) {
        String s = text(node, field, where);
        if (!"firing".equals(s) && !"resolved".equals(s)) {
            throw new BadRequestException(400, where + field + ": '" + s + "' is neither firing nor resolved");
        }
        return s;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new BadRequestException(400, where + field + ": missing, empty or not a string");
        }
        return v.asText();
    }

    private static Map<String, String> strings(JsonNode node, String field, String where, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequestException(400, where + field + ": missing");
            }
            return Map.of();
        }
        if (!v.isObject()) {
            throw new BadRequestException(400, where + field + ": not an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new BadRequestException(400, where + field + "." + e.getKey() + ": not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
