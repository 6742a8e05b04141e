package dev.rollback.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration of one agent. Immutable; read it with {@link ConfigLoader} or build it
 * with {@link #builder(ServerConfig)}.
 *
 * @param server       the HTTP server
 * @param alertmanager how alerts are read
 * @param throttle     how reverts are throttled
 * @param watch        how health is polled
 * @param kubernetes   how rollouts are followed
 * @param store        where the request queue is kept; default {@link DatabaseConfig#DEFAULT_STORE}
 * @param ledger       where reverts are recorded, or {@code null} to record them in the store's
 *                     database
 * @param dryRun       whether to only check what each revert would do (a server-side dry run for
 *                     Kubernetes; nothing is run for commands), changing nothing and recording
 *                     nothing in the ledger; default {@value #DEFAULT_DRY_RUN}
 * @param services     the services, by name
 */
public record AgentConfig(ServerConfig server, AlertmanagerConfig alertmanager, ThrottleConfig throttle,
                          WatchConfig watch, KubernetesConfig kubernetes, DatabaseConfig store, DatabaseConfig ledger,
                          boolean dryRun, Map<String, ServiceConfig> services) {

    /** Default {@link #dryRun()}. */
    public static final boolean DEFAULT_DRY_RUN = false;

    /**
     * Checks the values and copies the services.
     */
    public AgentConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(alertmanager, "alertmanager");
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(watch, "watch");
        Objects.requireNonNull(kubernetes, "kubernetes");
        Objects.requireNonNull(store, "store");
        services = Map.copyOf(services);
        if (services.isEmpty()) {
            throw new ConfigException("services: none configured; the agent needs at least one service to revert");
        }
    }

    /**
     * Returns a service's configuration.
     *
     * @param name the service name
     * @return the configuration, or empty if the service is unknown
     */
    public Optional<ServiceConfig> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    /**
     * Returns the database the ledger is kept in.
     *
     * @return {@link #ledger()}, or the store's database when none is set
     */
    public DatabaseConfig ledgerDatabase() {
        return ledger == null ? store : ledger;
    }

    /**
     * Starts a builder with every value but the server at its default.
     *
     * @param server the server
     * @return the builder
     */
    public static Builder builder(ServerConfig server) {
        return new Builder(server);
    }

    /** Builds an {@link AgentConfig}. */
    public static final class Builder {
        private final ServerConfig server;
        private AlertmanagerConfig alertmanager = AlertmanagerConfig.DEFAULTS;
        private ThrottleConfig throttle = ThrottleConfig.DEFAULTS;
        private WatchConfig watch = WatchConfig.DEFAULTS;
        private KubernetesConfig kubernetes = KubernetesConfig.DEFAULTS;
        private DatabaseConfig store = DatabaseConfig.DEFAULT_STORE;
        private DatabaseConfig ledger;
        private boolean dryRun = DEFAULT_DRY_RUN;
        private final List<ServiceConfig> services = new ArrayList<>();

        private Builder(ServerConfig server) {
            this.server = Objects.requireNonNull(server, "server");
        }

        /**
         * Sets how alerts are read.
         *
         * @param value the value
         * @return this builder
         */
        public Builder alertmanager(AlertmanagerConfig value) {
            this.alertmanager = Objects.requireNonNull(value, "alertmanager");
            return this;
        }

        /**
         * Sets the throttle.
         *
         * @param value the value
         * @return this builder
         */
        public Builder throttle(ThrottleConfig value) {
            this.throttle = Objects.requireNonNull(value, "throttle");
            return this;
        }

        /**
         * Sets how health is polled.
         *
         * @param value the value
         * @return this builder
         */
        public Builder watch(WatchConfig value) {
            this.watch = Objects.requireNonNull(value, "watch");
            return this;
        }

        /**
         * Sets how rollouts are followed.
         *
         * @param value the value
         * @return this builder
         */
        public Builder kubernetes(KubernetesConfig value) {
            this.kubernetes = Objects.requireNonNull(value, "kubernetes");
            return this;
        }

        /**
         * Sets the store's database.
         *
         * @param value the value
         * @return this builder
         */
        public Builder store(DatabaseConfig value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /**
         * Sets the ledger's database; {@code null} keeps the ledger in the store's database.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ledger(DatabaseConfig value) {
            this.ledger = value;
            return this;
        }

        /**
         * Sets whether to run dry.
         *
         * @param value the value
         * @return this builder
         */
        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        /**
         * Adds a service.
         *
         * @param value the service
         * @return this builder
         * @throws ConfigException if a service of that name was already added
         */
        public Builder service(ServiceConfig value) {
            Objects.requireNonNull(value, "service");
            if (services.stream().anyMatch(s -> s.name().equals(value.name()))) {
                throw new ConfigException("services: '" + value.name() + "' is configured twice");
            }
            services.add(value);
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         */
        public AgentConfig build() {
            Map<String, ServiceConfig> byName = new LinkedHashMap<>();
            services.forEach(s -> byName.put(s.name(), s));
            return new AgentConfig(server, alertmanager, throttle, watch, kubernetes, store, ledger, dryRun, byName);
        }
    }
}
