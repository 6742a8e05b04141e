package dev.rollback.core.health;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The health of one instance: the worst of its features' statuses, with the reason.
 *
 * <p>{@link #toJson()} is the stable format that the agent reads. Format version {@value #FORMAT}:
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
     * Returns the report in its stable JSON format (see the class documentation).
     *
     * @return the JSON text, on one line
     */
    public String toJson() {
        StringBuilder json = new StringBuilder(256 + 160 * features.size());
        json.append("{\"format\":").append(FORMAT);
        field(json, "service", service);
        field(json, "version", version);
        field(json, "instance", instance);
        field(json, "status", status.name());
        field(json, "reason", reason);
        field(json, "time", time.toString());
        json.append(",\"features\":[");
        for (int i = 0; i < features.size(); i++) {
            FeatureHealth f = features.get(i);
            json.append(i == 0 ? "{" : ",{");
            json.append("\"feature\":");
            string(json, f.feature());
            field(json, "state", f.state().name());
            field(json, "status", f.status().name());
            field(json, "reason", f.reason());
            field(json, "since", f.since().toString());
            json.append(",\"oldPath\":").append(f.oldPath()).append('}');
        }
        return json.append("]}").toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":");
        string(json, value);
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
