package dev.rollback.agent.config;

/**
 * How Alertmanager alerts are read: which label names the service, and which label and value ask
 * for a revert. The project's Prometheus rules (under {@code observability/prometheus/}) use the
 * defaults: {@code service} and {@code rollback_action="revert"}.
 *
 * @param serviceLabel the label that names the service; default {@value #DEFAULT_SERVICE_LABEL}
 * @param actionLabel  the label that asks for an action; default {@value #DEFAULT_ACTION_LABEL}
 * @param actionValue  the value of {@code actionLabel} that asks for a revert; default
 *                     {@value #DEFAULT_ACTION_VALUE}
 */
public record AlertmanagerConfig(String serviceLabel, String actionLabel, String actionValue) {

    /** Default {@link #serviceLabel()}. */
    public static final String DEFAULT_SERVICE_LABEL = "service";
    /** Default {@link #actionLabel()}. */
    public static final String DEFAULT_ACTION_LABEL = "rollback_action";
    /** Default {@link #actionValue()}. */
    public static final String DEFAULT_ACTION_VALUE = "revert";

    /** The defaults. */
    public static final AlertmanagerConfig DEFAULTS =
            new AlertmanagerConfig(DEFAULT_SERVICE_LABEL, DEFAULT_ACTION_LABEL, DEFAULT_ACTION_VALUE);

    /**
     * Checks that no value is blank.
     */
    public AlertmanagerConfig {
        ConfigChecks.requireText("alertmanager.serviceLabel", serviceLabel);
        ConfigChecks.requireText("alertmanager.actionLabel", actionLabel);
        ConfigChecks.requireText("alertmanager.actionValue", actionValue);
    }
}
