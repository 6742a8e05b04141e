package dev.rollback.agent.http;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Webhook bodies exactly as Alertmanager writes them (Go's {@code encoding/json} of
 * {@code notify/webhook.Message}: the embedded {@code template.Data} first, then {@code version},
 * {@code groupKey}, {@code truncatedAlerts}; map keys sorted; times in RFC 3339 with Go's zero time
 * {@code 0001-01-01T00:00:00Z} for an unset end; one line and a newline). The fields differ by
 * version, as in {@code template/template.go} of each tag:
 * <ul>
 * <li>v0.31: receiver, status, alerts, groupLabels, commonLabels, commonAnnotations, externalURL;</li>
 * <li>v0.32 (and v0.33): {@code notification_reason} added after alerts;</li>
 * <li>v0.34: {@code routeLabels} added after commonAnnotations.</li>
 * </ul>
 */
final class AlertmanagerBodies {

    /** The Alertmanager versions whose shapes differ. */
    enum Version {
        /** Without notification_reason and routeLabels. */
        V0_31,
        /** With notification_reason. */
        V0_32,
        /** With notification_reason and routeLabels. */
        V0_34
    }

    /** Go's zero time: an alert without an end. */
    static final String NO_END = "0001-01-01T00:00:00Z";

    /** One alert of a group, as {@code template.Alert}. */
    record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String startsAt,
                 String endsAt, String fingerprint) {

        String json() {
            return "{\"status\":" + string(status) + ",\"labels\":" + object(labels) + ",\"annotations\":"
                    + object(annotations) + ",\"startsAt\":" + string(startsAt) + ",\"endsAt\":" + string(endsAt)
                    + ",\"generatorURL\":" + string("http://prometheus:9090/graph?g0.expr=rollback&g0.tab=1")
                    + ",\"fingerprint\":" + string(fingerprint) + "}";
        }
    }

    private AlertmanagerBodies() {
    }

    /**
     * A group as Alertmanager of a version sends it to the receiver {@code rollback-agent}.
     *
     * @param version         the Alertmanager version
     * @param truncatedAlerts how many alerts the receiver's max_alerts left out
     * @param routeLabels     the route's labels (v0.34), e.g. its matchers
     * @param alerts          the alerts
     * @return the body
     */
    static String group(Version version, long truncatedAlerts, Map<String, String> routeLabels, List<Alert> alerts) {
        Map<String, String> groupLabels = Map.of("alertname", alerts.get(0).labels().get("alertname"));
        Map<String, String> common = new TreeMap<>(alerts.get(0).labels());
        alerts.forEach(a -> common.entrySet().removeIf(e -> !e.getValue().equals(a.labels().get(e.getKey()))));
        String status = alerts.stream().anyMatch(a -> a.status().equals("firing")) ? "firing" : "resolved";
        StringBuilder json = new StringBuilder("{\"receiver\":\"rollback-agent\",\"status\":" + string(status)
                + ",\"alerts\":[" + alerts.stream().map(Alert::json).collect(Collectors.joining(",")) + "]");
        if (version != Version.V0_31) {
            json.append(",\"notification_reason\":\"first notification\"");
        }
        json.append(",\"groupLabels\":").append(object(groupLabels))
                .append(",\"commonLabels\":").append(object(common))
                .append(",\"commonAnnotations\":{}");
        if (version == Version.V0_34) {
            json.append(",\"routeLabels\":").append(object(routeLabels));
        }
        String groupKey = "{}/{rollback_action=\"revert\"}:{alertname=\"" + groupLabels.get("alertname") + "\"}";
        return json.append(",\"externalURL\":\"http://alertmanager:9093\",\"version\":\"4\",\"groupKey\":")
                .append(string(groupKey)).append(",\"truncatedAlerts\":").append(truncatedAlerts).append("}\n")
                .toString();
    }

    private static String object(Map<String, String> map) {
        return new TreeMap<>(map).entrySet().stream().map(e -> string(e.getKey()) + ":" + string(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String string(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
