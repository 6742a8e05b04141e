package dev.rollback.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one service is reverted: by undoing the rollout of its Kubernetes Deployment, by aborting or
 * undoing its Argo Rollouts {@code Rollout}, or by running a command.
 */
public sealed interface ExecutorConfig {

    /**
     * Returns the namespace the service runs in, as configured.
     *
     * @return the namespace; empty for a command without one
     */
    String namespace();

    /**
     * Whether this target is an object in a Kubernetes cluster (a Deployment or a Rollout), whose
     * namespace an alert may name.
     *
     * @return {@code true} for a Deployment or a Rollout, {@code false} for a command
     */
    default boolean inCluster() {
        return !(this instanceof Command);
    }

    /**
     * Undo the rollout of a Kubernetes Deployment, as {@code kubectl rollout undo} does.
     *
     * @param namespace  the namespace
     * @param deployment the Deployment's name
     */
    record Kubernetes(String namespace, String deployment) implements ExecutorConfig {

        /** Default namespace. */
        public static final String DEFAULT_NAMESPACE = "default";

        /**
         * Checks that both are Kubernetes names.
         */
        public Kubernetes {
            requireName("kubernetes.namespace", namespace);
            requireName("kubernetes.deployment", deployment);
        }

        /**
         * Checks that a value is a Kubernetes name.
         *
         * @param key   the configuration key, for the message
         * @param value the value
         * @throws ConfigException naming the key and the value if it is not
         */
        static void requireName(String key, String value) {
            ConfigChecks.requireText(key, value);
            if (!value.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
                throw new ConfigException(key + ": '" + value + "' is not a Kubernetes name (lower case letters,"
                        + " digits, '-' and '.')");
            }
        }
    }

    /**
     * Revert an Argo Rollouts {@code Rollout} (group {@code argoproj.io}, version {@code v1alpha1}):
     * abort its update in progress, as {@code kubectl argo rollouts abort} does, undo it to an
     * earlier revision, as {@code kubectl argo rollouts undo} does, or both.
     *
     * @param namespace the namespace
     * @param name      the Rollout's name
     * @param action    what a revert does; default {@link #DEFAULT_ACTION}
     */
    record ArgoRollout(String namespace, String name, ArgoAction action) implements ExecutorConfig {

        /**
         * Default {@link #action()}: {@link ArgoAction#ABORT_THEN_UNDO}, so that an update in progress
         * goes back to its stable ReplicaSet at once and the Rollout's spec then names that revision
         * again (an abort alone leaves the new template in the spec, and the Rollout Degraded).
         */
        public static final ArgoAction DEFAULT_ACTION = ArgoAction.ABORT_THEN_UNDO;

        /**
         * Checks that both are Kubernetes names and that an action is given.
         */
        public ArgoRollout {
            Kubernetes.requireName("argoRollout.namespace", namespace);
            Kubernetes.requireName("argoRollout.name", name);
            Objects.requireNonNull(action, "argoAction");
        }
    }

    /** What a revert does to an Argo Rollouts {@code Rollout}. */
    enum ArgoAction {
        /**
         * {@code kubectl argo rollouts abort}: while an update is in progress (the stable ReplicaSet
         * is not the current one), {@code status.abort=true} sends everything back to the stable
         * ReplicaSet; the spec keeps the new template, so the Rollout stays Degraded
         * ({@code RolloutAborted}) until a person acts. A fully promoted Rollout has nothing to abort
         * and is refused.
         */
        ABORT("abort"),
        /**
         * {@code kubectl argo rollouts undo [--to-revision=N]}: the previous revision's pod template
         * (or revision N's) replaces the Rollout's, which then rolls out as any update does.
         */
        UNDO("undo"),
        /**
         * Abort while an update is in progress, then undo to the stable ReplicaSet's template (or
         * revision N's), so the Rollout ends Healthy on it; a fully promoted Rollout is undone.
         */
        ABORT_THEN_UNDO("abort-then-undo");

        private final String text;

        ArgoAction(String text) {
            this.text = text;
        }

        /**
         * Reads an action as written in the configuration.
         *
         * @param key  the configuration key, for the message
         * @param text {@code abort}, {@code undo} or {@code abort-then-undo}
         * @return the action
         * @throws ConfigException naming the key and the value if it is none of them
         */
        public static ArgoAction parse(String key, String text) {
            for (ArgoAction a : values()) {
                if (a.text.equals(text)) {
                    return a;
                }
            }
            throw new ConfigException(key + ": '" + text + "' is not an action; use abort, undo or abort-then-undo");
        }

        /**
         * Returns the action as written in the configuration.
         *
         * @return e.g. {@code abort-then-undo}
         */
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Run a command. Each argument is a template: {@code {service}}, {@code {namespace}},
     * {@code {fromVersion}} and {@code {toVersion}} are replaced (by an empty text when unknown).
     * The command runs without a shell unless {@code shell} is set, in which case the arguments are
     * joined and passed to {@code sh -c}.
     *
     * @param command   the program and its arguments, each a template
     * @param namespace the value of {@code {namespace}}, may be empty
     * @param shell     whether to run the joined command through {@code sh -c}
     * @param timeout   how long the command may run before it is killed and the revert fails;
     *                  default {@link #DEFAULT_TIMEOUT}
     */
    record Command(List<String> command, String namespace, boolean shell, Duration timeout)
            implements ExecutorConfig {

        /** Default {@link #timeout()}: five minutes. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

        /**
         * Checks and copies the command.
         */
        public Command {
            if (command == null || command.isEmpty() || command.get(0).isBlank()) {
                throw new ConfigException("command.run: " + command + " names no program; give a list such as"
                        + " [helm, rollback, '{service}', -n, '{namespace}']");
            }
            command = List.copyOf(command);
            namespace = namespace == null ? "" : namespace;
            ConfigChecks.requirePositive("command.timeout", timeout);
        }
    }
}
