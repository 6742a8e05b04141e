package dev.rollback.agent;

import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.DatabaseConfig;
import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.execute.CommandRevertExecutor;
import dev.rollback.agent.execute.RevertExecutor;
import dev.rollback.agent.http.AgentHttpServer;
import dev.rollback.agent.http.AlertmanagerWebhook;
import dev.rollback.agent.kubernetes.ArgoRolloutRevertExecutor;
import dev.rollback.agent.kubernetes.KubernetesRevertExecutor;
import dev.rollback.agent.kubernetes.RolloutFollower;
import dev.rollback.agent.leader.LeaderElection;
import dev.rollback.agent.leader.PostgresLeaderElection;
import dev.rollback.agent.request.JdbcRequestStore;
import dev.rollback.agent.request.RequestStore;
import dev.rollback.agent.throttle.RevertScheduler;
import dev.rollback.agent.watch.ConfiguredInstances;
import dev.rollback.agent.watch.HealthFetcher;
import dev.rollback.agent.watch.HealthWatcher;
import dev.rollback.core.ledger.JdbcRollbackLedger;
import dev.rollback.core.ledger.RollbackLedger;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: request store, ledger, scheduler, watcher and HTTP server, wired from an
 * {@link AgentConfig}. Start one with {@link #builder(AgentConfig)}; {@link #close()} stops
 * everything it started, leaving running reverts in the store to resume at the next start.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RequestStore store;
    private final RevertScheduler scheduler;
    private final HealthWatcher watcher;
    private final AgentHttpServer server;
    private final PrometheusMeterRegistry registry;

    private Agent(Builder b) throws IOException {
        AgentConfig config = b.config;
        boolean ok = false;
        try {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            resources.add(registry::close);
            new JvmMemoryMetrics().bindTo(registry);
            DatabaseConfig s = config.store();
            store = new JdbcRequestStore(s.url(), s.username(), s.password());
            resources.add(store);
            RollbackLedger ledger = b.ledger;
            if (ledger == null) {
                JdbcRollbackLedger jdbc = new JdbcRollbackLedger(dataSource(config.ledgerDatabase()));
                jdbc.createSchema();
                ledger = jdbc;
            }
            Function<ServiceConfig, RevertExecutor> executors = b.executors;
            KubernetesClient[] kube = {b.kubernetes};
            boolean needsKube = config.services().values().stream()
                    .anyMatch(x -> x.executor().inCluster() || x.pods() != null);
            if (needsKube && kube[0] == null) {
                kube[0] = new KubernetesClientBuilder().build();
                resources.add(kube[0]);
            }
            if (executors == null) {
                CommandRevertExecutor command = new CommandRevertExecutor();
                RolloutFollower follower = kube[0] == null ? null : new RolloutFollower(kube[0], b.clock,
                        config.kubernetes().rolloutTimeout(), config.kubernetes().pollInterval());
                KubernetesRevertExecutor k8s = kube[0] == null ? null : new KubernetesRevertExecutor(kube[0], follower);
                ArgoRolloutRevertExecutor argo = kube[0] == null ? null
                        : new ArgoRolloutRevertExecutor(kube[0], follower);
                executors = service -> service.executor() instanceof ExecutorConfig.Kubernetes ? k8s
                        : service.executor() instanceof ExecutorConfig.ArgoRollout ? argo : command;
            }
            // On PostgreSQL several agents may share the store: only the one holding the lock acts.
            LeaderElection leadership = s.url().startsWith("jdbc:postgresql:")
                    ? new PostgresLeaderElection(s.url(), s.username(), s.password(),
                            PostgresLeaderElection.DEFAULT_SESSION_TIMEOUT, PostgresLeaderElection.DEFAULT_RETRY)
                    : LeaderElection.sole();
            resources.add(leadership);
            scheduler = new RevertScheduler(config, store, executors, ledger, b.clock, registry, leadership);
            resources.add(scheduler);
            HealthFetcher fetcher = b.fetcher != null ? b.fetcher
                    : HealthFetcher.http(config.watch().timeout(), config.watch().credential());
            watcher = new HealthWatcher(config, new ConfiguredInstances(() -> kube[0]), fetcher, scheduler, registry);
            resources.add(watcher);
            server = new AgentHttpServer(config.server(), new AlertmanagerWebhook(config, scheduler, registry, b.clock),
                    scheduler, store, registry, config.dryRun(), b.httpLimits);
            resources.add(server);
            scheduler.start();
            watcher.start();
            server.start();
            ok = true;
            LOG.info("Rollback agent started: {} services, at most {} reverts at once{}", config.services().size(),
                    config.throttle().maxInFlight(), config.dryRun() ? ", DRY RUN" : "");
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /**
     * Starts a builder.
     *
     * @param config the configuration
     * @return the builder
     */
    public static Builder builder(AgentConfig config) {
        return new Builder(config);
    }

    /**
     * Returns the HTTP port.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * Returns the scheduler.
     *
     * @return the scheduler
     */
    public RevertScheduler scheduler() {
        return scheduler;
    }

    /**
     * Returns the request store.
     *
     * @return the store
     */
    public RequestStore store() {
        return store;
    }

    /**
     * Returns the watcher.
     *
     * @return the watcher
     */
    public HealthWatcher watcher() {
        return watcher;
    }

    /**
     * Returns the meter registry.
     *
     * @return the registry
     */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    static DataSource dataSource(DatabaseConfig db) {
        if (db.url().startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(db.url());
            h2.setUser(db.username());
            h2.setPassword(db.password());
            return h2;
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(db.url());
        if (!db.username().isEmpty()) {
            pg.setUser(db.username());
        }
        if (!db.password().isEmpty()) {
            pg.setPassword(db.password());
        }
        return pg;
    }

    /** Stops the server, the watcher and the scheduler, and closes what the agent opened, in reverse order. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
    }

    /** Builds an {@link Agent}; everything but the configuration has a default. */
    public static final class Builder {
        private final AgentConfig config;
        private Clock clock = Clock.SYSTEM;
        private KubernetesClient kubernetes;
        private Function<ServiceConfig, RevertExecutor> executors;
        private RollbackLedger ledger;
        private HealthFetcher fetcher;
        private AgentHttpServer.Limits httpLimits = AgentHttpServer.Limits.DEFAULT;

        private Builder(AgentConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Sets the clock; default the system clock.
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets the Kubernetes client; default one from the environment (in-cluster or kubeconfig),
         * made only if a service needs it. A client given here is not closed by the agent.
         *
         * @param value the client
         * @return this builder
         */
        public Builder kubernetes(KubernetesClient value) {
            this.kubernetes = Objects.requireNonNull(value, "kubernetes");
            return this;
        }

        /**
         * Sets the executor of each service; default Kubernetes or command, by configuration.
         *
         * @param value the executors
         * @return this builder
         */
        public Builder executors(Function<ServiceConfig, RevertExecutor> value) {
            this.executors = Objects.requireNonNull(value, "executors");
            return this;
        }

        /**
         * Sets the ledger; default a JDBC ledger on the configured database.
         *
         * @param value the ledger
         * @return this builder
         */
        public Builder ledger(RollbackLedger value) {
            this.ledger = Objects.requireNonNull(value, "ledger");
            return this;
        }

        /**
         * Sets how health reports are read; default over HTTP with the configured timeout.
         *
         * @param value the fetcher
         * @return this builder
         */
        public Builder fetcher(HealthFetcher value) {
            this.fetcher = Objects.requireNonNull(value, "fetcher");
            return this;
        }

        /**
         * Sets the HTTP server's connection cap and deadlines; default {@link AgentHttpServer.Limits#DEFAULT}.
         *
         * @param value the limits
         * @return this builder
         */
        public Builder httpLimits(AgentHttpServer.Limits value) {
            this.httpLimits = Objects.requireNonNull(value, "httpLimits");
            return this;
        }

        /**
         * Starts the agent.
         *
         * @return the running agent
         * @throws IOException if the HTTP server cannot bind its address
         */
        public Agent start() throws IOException {
            return new Agent(this);
        }
    }
}
