package dev.rollback.agent.config;

import java.time.Duration;

/**
 * How the Kubernetes executor follows a rollout after the undo.
 *
 * @param rolloutTimeout the longest the agent follows a rollout before it reports it as not
 *                       finished, on top of the Deployment's own progress deadline; default
 *                       {@link #DEFAULT_ROLLOUT_TIMEOUT}
 * @param pollInterval   the time between two reads of the Deployment's status; default
 *                       {@link #DEFAULT_POLL_INTERVAL}
 */
public record KubernetesConfig(Duration rolloutTimeout, Duration pollInterval) {

    /** Default {@link #rolloutTimeout()}: fifteen minutes. */
    public static final Duration DEFAULT_ROLLOUT_TIMEOUT = Duration.ofMinutes(15);
    /** Default {@link #pollInterval()}: two seconds. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** The defaults. */
    public static final KubernetesConfig DEFAULTS = new KubernetesConfig(DEFAULT_ROLLOUT_TIMEOUT, DEFAULT_POLL_INTERVAL);

    /**
     * Checks the values.
     */
    public KubernetesConfig {
        ConfigChecks.requirePositive("kubernetes.rolloutTimeout", rolloutTimeout);
        ConfigChecks.requirePositive("kubernetes.pollInterval", pollInterval);
    }
}
