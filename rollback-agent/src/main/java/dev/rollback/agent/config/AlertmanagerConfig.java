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
 * @param namespaceLabel the label that names the alert's namespace; default
 *                     {@value #DEFAULT_NAMESPACE_LABEL}. An alert that names another namespace than
 *                     the service's configured one is refused rather than reverting the wrong one
 */
public record AlertmanagerConfig(String serviceLabel, String actionLabel, String actionValue, String namespaceLabel) {

    /** Default {@link #serviceLabel()}. */
    public static final String DEFAULT_SERVICE_LABEL = "service";
    /** Default {@link #actionLabel()}. */
    public static final String DEFAULT_ACTION_LABEL = "rollback_action";
    /** Default {@link #actionValue()}. */
    public static final String DEFAULT_ACTION_VALUE = "revert";
    /** Default {@link #namespaceLabel()}, the label Prometheus' Kubernetes discovery usually sets. */
    public static final String DEFAULT_NAMESPACE_LABEL = "namespace";

    /** The defaults. */
    public static final AlertmanagerConfig DEFAULTS = new AlertmanagerConfig(DEFAULT_SERVICE_LABEL,
            DEFAULT_ACTION_LABEL, DEFAULT_ACTION_VALUE, DEFAULT_NAMESPACE_LABEL);

    /**
     * The given labels, and the default namespace label.
     *
     * @param serviceLabel the label that names the service
     * @param actionLabel  the label that asks for an action
     * @param actionValue  the value that asks for a revert
     */
    public AlertmanagerConfig(String serviceLabel, String actionLabel, String actionValue) {
        this(serviceLabel, actionLabel, actionValue, DEFAULT_NAMESPACE_LABEL);
    }

    /**
     * Checks that no value is blank.
     */
    public AlertmanagerConfig {
        ConfigChecks.requireText("alertmanager.serviceLabel", serviceLabel);
        ConfigChecks.requireText("alertmanager.actionLabel", actionLabel);
        ConfigChecks.requireText("alertmanager.actionValue", actionValue);
        ConfigChecks.requireText("alertmanager.namespaceLabel", namespaceLabel);
    }

    /**
     * Describes which labels mean what, for {@code validate-config} and the start-up log.
     *
     * @return e.g. {@code a firing alert with rollback_action="revert" reverts the service named by its
     *         label 'service'; ...}
     */
    public String mapping() {
        return "a firing alert with " + actionLabel + "=\"" + actionValue + "\" reverts the service named by its label '"
                + serviceLabel + "'; its label '" + namespaceLabel + "', when set, must be the service's namespace";
    }
}
