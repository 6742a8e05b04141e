package dev.rollback.agent.config;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

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
 *                     the service's configured one is refused rather than reverting the wrong one, unless
 *                     {@code namespaces} allows it
 * @param namespaces   the namespaces an alert may name for a service reverted through Kubernetes: its
 *                     Deployment is then reverted in the alert's namespace (one rule for a service deployed
 *                     in several namespaces); default none, so only the configured namespace is accepted
 */
public record AlertmanagerConfig(String serviceLabel, String actionLabel, String actionValue, String namespaceLabel,
                                 Set<String> namespaces) {

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
            DEFAULT_ACTION_LABEL, DEFAULT_ACTION_VALUE, DEFAULT_NAMESPACE_LABEL, Set.of());

    /**
     * The given labels, the default namespace label, and no other namespace allowed.
     *
     * @param serviceLabel the label that names the service
     * @param actionLabel  the label that asks for an action
     * @param actionValue  the value that asks for a revert
     */
    public AlertmanagerConfig(String serviceLabel, String actionLabel, String actionValue) {
        this(serviceLabel, actionLabel, actionValue, DEFAULT_NAMESPACE_LABEL, Set.of());
    }

    /**
     * Checks that no value is blank and that every allowed namespace is a Kubernetes name.
     */
    public AlertmanagerConfig {
        ConfigChecks.requireText("alertmanager.serviceLabel", serviceLabel);
        ConfigChecks.requireText("alertmanager.actionLabel", actionLabel);
        ConfigChecks.requireText("alertmanager.actionValue", actionValue);
        ConfigChecks.requireText("alertmanager.namespaceLabel", namespaceLabel);
        namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "alertmanager.namespaces"));
        namespaces.forEach(n -> ExecutorConfig.Kubernetes.requireName("alertmanager.namespaces", n));
    }

    /**
     * Describes which labels mean what, for {@code validate-config} and the start-up log.
     *
     * @return e.g. {@code a firing alert with rollback_action="revert" reverts the service named by its
     *         label 'service'; ...}
     */
    public String mapping() {
        return "a firing alert with " + actionLabel + "=\"" + actionValue + "\" reverts the service named by its label '"
                + serviceLabel + "'; its label '" + namespaceLabel + "', when set, must be the service's namespace"
                + (namespaces.isEmpty() ? "" : " or, for a service reverted through Kubernetes, one of "
                        + new TreeSet<>(namespaces) + ", where its Deployment is then reverted");
    }
}
