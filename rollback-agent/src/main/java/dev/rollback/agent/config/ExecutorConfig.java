package dev.rollback.agent.config;

import java.time.Duration;
import java.util.List;

/**
 * How one service is reverted: by undoing the rollout of its Kubernetes Deployment, or by running a
 * command.
 */
public sealed interface ExecutorConfig {

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
