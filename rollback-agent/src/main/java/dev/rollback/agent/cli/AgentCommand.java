package dev.rollback.agent.cli;

import dev.rollback.agent.Agent;
import dev.rollback.agent.config.AgentConfig;
import dev.rollback.agent.config.ConfigException;
import dev.rollback.agent.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rollback-agent}: the command line of the agent.
 * <pre>
 * rollback-agent run --config agent.yaml [--insecure-loopback] [--dry-run]
 * rollback-agent validate-config --config agent.yaml
 * </pre>
 * Exit codes: 0 on success, 2 for a bad configuration or usage, 1 for any other failure.
 */
@Command(name = "rollback-agent", mixinStandardHelpOptions = true, version = "rollback-agent 0.1.0",
        description = "Reverts whole instances of services: instance health and Alertmanager in,"
                + " Kubernetes rollout undo, Argo Rollouts abort/undo or a command out, throttled across a fleet.",
        subcommands = {AgentCommand.Run.class, AgentCommand.ValidateConfig.class})
public final class AgentCommand implements Runnable {

    /** Exit code for a bad configuration. */
    public static final int EXIT_BAD_CONFIG = 2;

    @Spec
    private CommandSpec spec;

    /** Creates the command; picocli calls this. */
    public AgentCommand() {
        // Fields are set by picocli.
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Returns the command line, for {@link #main} and tests.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new AgentCommand());
    }

    /** Options shared by the subcommands. */
    static class ConfigOptions {
        @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
        Path config;

        @Option(names = "--insecure-loopback", description = "Run without a bearer token; only allowed when"
                + " the server is bound to a loopback address.")
        boolean insecureLoopback;

        AgentConfig load(PrintWriter err) {
            try {
                return new ConfigLoader(System.getenv()).load(config, insecureLoopback);
            } catch (ConfigException e) {
                err.println("Bad configuration in " + config + ": " + e.getMessage());
                return null;
            }
        }
    }

    /** {@code run}: starts the agent and runs until stopped (SIGTERM, Ctrl-C). */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent until stopped.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--dry-run", description = "Only check what each revert would do; change nothing.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AgentConfig config = options.load(spec.commandLine().getErr());
            if (config == null) {
                return EXIT_BAD_CONFIG;
            }
            if (dryRun) {
                config = new AgentConfig(config.server(), config.alertmanager(), config.throttle(), config.watch(),
                        config.kubernetes(), config.store(), config.ledger(), true, config.services());
            }
            // The JDK's HTTP server waits forever for a slow request unless told otherwise (seconds).
            System.setProperty("sun.net.httpserver.maxReqTime",
                    System.getProperty("sun.net.httpserver.maxReqTime", "30"));
            System.setProperty("sun.net.httpserver.maxRspTime",
                    System.getProperty("sun.net.httpserver.maxRspTime", "30"));
            CountDownLatch stopped = new CountDownLatch(1);
            Agent agent = Agent.builder(config).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                agent.close();
                stopped.countDown();
            }, "rollback-agent-shutdown"));
            stopped.await();
            return 0;
        }
    }

    /** {@code validate-config}: reads and checks the configuration, prints a summary. */
    @Command(name = "validate-config", mixinStandardHelpOptions = true,
            description = "Check the configuration file and print what it configures.")
    static final class ValidateConfig implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions options = new ConfigOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AgentConfig config = options.load(spec.commandLine().getErr());
            if (config == null) {
                return EXIT_BAD_CONFIG;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Configuration OK: listening on " + config.server().address() + ":" + config.server().port()
                    + (config.server().requiresToken() ? " with a bearer token" : " WITHOUT a token (loopback)")
                    + ", at most " + config.throttle().maxInFlight() + " reverts at once, cool-down "
                    + config.throttle().cooldown() + (config.dryRun() ? ", DRY RUN" : ""));
            out.println("Alertmanager: " + config.alertmanager().mapping());
            config.services().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(s ->
                    out.println("  " + s.name() + ": tier " + s.tier() + ", " + s.executor()
                            + (s.watched() ? ", watched (quorum " + s.quorum() + ")" : "")));
            out.flush();
            return 0;
        }
    }
}
