package dev.rollback.core.health;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one instance: the worst of its features' statuses, with the reason.
 *
 * <p>{@link #toMap()} is the one mapping of a report, which every renderer uses; {@link #toJson()}
 * writes it. It is the stable format that the agent reads, served by the Spring Boot starter at
 * {@code GET /actuator/rollback} (HTTP 503 while {@code ROLLBACK_REQUESTED}). Format version
 * {@value #FORMAT}:
 * <pre>{@code
 * {
 *   "format": 1,
 *   "service": "checkout",
 *   "version": "1.4.0",
 *   "instance": "checkout-7d4b9-x2x9q",
 *   "status": "DEGRADED",                      // UP | DEGRADED | ROLLBACK_REQUESTED
 *   "reason": "checkout-v2: error rate ...",   // empty when UP
 *   "time": "2026-11-26T10:15:30.123Z",        // ISO-8601, UTC
 *   "features": [
 *     {"feature": "checkout-v2", "state": "ROLLED_BACK", "status": "DEGRADED",
 *      "reason": "...", "since": "2026-11-26T10:15:29.001Z", "oldPath": true}
 *   ]
 * }
 * }</pre>
 * Fields may be added in a later format version; none will be removed or change meaning within one.
 *
 * @param service  the service name
 * @param version  the service version
 * @param instance the instance id
 * @param status   the worst status of any feature
 * @param reason   the reason of the feature that sets the status, or empty when {@code UP}
 * @param time     when the report was made
 * @param features every guarded feature, by name
 */
public record HealthReport(String service, String version, String instance, HealthStatus status, String reason,
                           Instant time, List<FeatureHealth> features) {

    /** The version of the JSON format that {@link #toJson()} writes. */
    public static final int FORMAT = 1;

    /**
     * Checks that no component is null and copies the features.
     */
    public HealthReport {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(time, "time");
        features = List.copyOf(features);
    }

    /**
     * Builds the report of an instance from its features' lines: the status is the worst of theirs.
     *
     * @param service  the service name
     * @param version  the service version
     * @param instance the instance id
     * @param time     when
     * @param features the features' lines
     * @return the report
     */
    public static HealthReport of(String service, String version, String instance, Instant time,
                                  List<FeatureHealth> features) {
        List<FeatureHealth> sorted = features.stream().sorted(Comparator.comparing(FeatureHealth::feature)).toList();
        FeatureHealth worst = sorted.stream()
                .filter(f -> f.status() != HealthStatus.UP)
                .max(Comparator.comparing(FeatureHealth::status))
                .orElse(null);
        HealthStatus status = worst == null ? HealthStatus.UP : worst.status();
        String reason = worst == null ? "" : worst.feature() + ": " + worst.reason();
        return new HealthReport(service, version, instance, status, reason, time, sorted);
    }

    /**
     * Returns the report as ordered maps and lists of JSON values: the one mapping of a report that
     * every renderer uses ({@link #toJson()}, the Spring actuator endpoint and health indicator), so
     * that what the agent reads is the same wherever it is served.
     *
     * @return an unmodifiable map in the field order of the class documentation
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("format", FORMAT);
        map.put("service", service);
        map.put("version", version);
        map.put("instance", instance);
        map.put("status", status.name());
        map.put("reason", reason);
        map.put("time", time.toString());
        map.put("features", features.stream().map(FeatureHealth::toMap).toList());
        return Collections.unmodifiableMap(map);
    }

    /**
     * Returns the report in its stable JSON format (see the class documentation): {@link #toMap()}
     * written as JSON.
     *
     * @return the JSON text, on one line
     */
    public String toJson() {
        StringBuilder json = new StringBuilder(256 + 160 * features.size());
        value(json, toMap());
        return json.toString();
    }

    private static void value(StringBuilder json, Object value) {
        if (value instanceof Map<?, ?> map) {
            json.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                json.append(first ? "" : ",");
                first = false;
                string(json, e.getKey().toString());
                json.append(':');
                value(json, e.getValue());
            }
            json.append('}');
        } else if (value instanceof List<?> list) {
            json.append('[');
            for (int i = 0; i < list.size(); i++) {
                json.append(i == 0 ? "" : ",");
                value(json, list.get(i));
            }
            json.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else {
            string(json, String.valueOf(value));
        }
    }
    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
