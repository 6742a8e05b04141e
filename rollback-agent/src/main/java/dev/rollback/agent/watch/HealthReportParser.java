package dev.rollback.agent.watch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollback.core.health.HealthReport;
import dev.rollback.core.health.HealthStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads the JSON of {@link HealthReport#toMap()} as {@link HealthReport#toJson()} and the Spring Boot
 * starter's {@code GET /actuator/rollback} write it (format 1; a later format is read too, since
 * fields are only ever added; fields it does not know, such as the endpoint's {@code lastRollback},
 * are ignored). Only the instance-level fields are read: the features' lines are for people.
 */
public final class HealthReportParser {

    private final ObjectMapper json = new ObjectMapper();

    /**
     * Reads a report.
     *
     * @param body the JSON text
     * @return the report, without its features' lines
     * @throws IllegalArgumentException if the text is not a health report, naming what is wrong
     */
    public HealthReport parse(String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isIntegralNumber() || format.asInt() < HealthReport.FORMAT) {
            throw new IllegalArgumentException("format: " + format + " is not a health report format >= "
                    + HealthReport.FORMAT);
        }
        String statusText = text(root, "status");
        HealthStatus status;
        try {
            status = HealthStatus.valueOf(statusText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status: '" + statusText + "' is not one of UP, DEGRADED,"
                    + " ROLLBACK_REQUESTED", e);
        }
        Instant time;
        try {
            time = Instant.parse(text(root, "time"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time: '" + text(root, "time") + "' is not an ISO-8601 instant", e);
        }
        JsonNode reason = root.get("reason");
        return new HealthReport(text(root, "service"), text(root, "version"), text(root, "instance"), status,
                reason != null && reason.isTextual() ? reason.asText() : "", time, List.of());
    }

    private static String text(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + ": missing or not a string");
        }
        return v.asText();
    }
}
