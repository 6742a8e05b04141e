package dev.rollback.agent.execute;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverts a service by running its configured command, e.g. {@code helm rollback}, a
 * {@code systemctl} unit or a deploy tool. The arguments are templates: {@code {service}},
 * {@code {namespace}}, {@code {fromVersion}} and {@code {toVersion}} are replaced. Without
 * {@code shell} the command runs directly (no shell, so a value cannot inject anything); with it,
 * the arguments are joined and run by {@code sh -c}, each replaced value single-quoted. Without a
 * shell, an argument that is only a placeholder whose value is unknown (empty) is left out, so that
 * {@code [helm, rollback, "{service}", "{toVersion}"]} rolls back to the previous revision when no
 * revision was asked for.
 *
 * <p>The revert succeeds when the command exits with 0 before its timeout; otherwise it fails with
 * the exit code and the end of the output (standard output and error, together). A command that
 * runs past its timeout is killed, with its child processes. A command may run again after an agent
 * restart (see {@link RevertExecutor}), so it should be idempotent, as {@code helm rollback NAME
 * REVISION} is.
 */
public final class CommandRevertExecutor implements RevertExecutor {

    /** Most characters of output kept in the outcome (the end of it). */
    public static final int MAX_OUTPUT_CHARS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(CommandRevertExecutor.class);
    private static final long KILL_WAIT_SECONDS = 5;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(service|namespace|fromVersion|toVersion)}");

    @Override
    public RevertPlan plan(RevertJob job) {
        RevertRequest r = job.request();
        return new RevertPlan(r.fromVersion() == null ? "" : r.fromVersion(),
                r.toRevision() == null ? "" : Long.toString(r.toRevision()), "");
    }

    @Override
    public RevertOutcome execute(RevertJob job, RevertPlan plan, boolean dryRun) {
        ExecutorConfig.Command config = command(job);
        List<String> argv = commandLine(config, Map.of(
                "service", job.service().name(),
                "namespace", config.namespace(),
                "fromVersion", plan.fromVersion(),
                "toVersion", plan.toVersion()));
        if (dryRun) {
            return new RevertOutcome(RequestState.DRY_RUN, "would run: " + argv);
        }
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            return RevertOutcome.failed("command " + argv + " could not start: " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("The command's input could not be closed: {}", e.toString());
        }
        OutputTail output = new OutputTail(process.getInputStream());
        Thread reader = new Thread(output, "rollback-agent-command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean exited = process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                kill(process);
                reader.join(TimeUnit.SECONDS.toMillis(KILL_WAIT_SECONDS));
                return RevertOutcome.failed("command " + argv + " timed out after " + config.timeout()
                        + " and was killed; output: " + output.text());
            }
            reader.join(TimeUnit.SECONDS.toMillis(KILL_WAIT_SECONDS));
            int code = process.exitValue();
            if (code == 0) {
                return RevertOutcome.succeeded("command " + argv + " exited with 0; output: " + output.text());
            }
            return RevertOutcome.failed("command " + argv + " exited with " + code + "; output: " + output.text());
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return RevertOutcome.failed("command " + argv + " was interrupted (the agent is stopping) and was killed");
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Command process {} did not end after it was killed", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ExecutorConfig.Command command(RevertJob job) {
        if (job.service().executor() instanceof ExecutorConfig.Command c) {
            return c;
        }
        throw new IllegalArgumentException("service " + job.service().name() + " is not reverted by a command");
    }

    /**
     * Returns the command line for the given values: each argument's placeholders replaced, or, with
     * a shell, {@code sh -c} and the joined arguments with every value single-quoted.
     *
     * @param config the command
     * @param values the values of the placeholders, by name
     * @return the program and its arguments
     */
    static List<String> commandLine(ExecutorConfig.Command config, Map<String, String> values) {
        List<String> args = new ArrayList<>();
        for (String template : config.command()) {
            String value = fill(template, values, config.shell());
            if (!config.shell() && value.isEmpty() && PLACEHOLDER.matcher(template).matches()) {
                // An argument that is only an unknown value is left out: `helm rollback NAME {toVersion}`
                // then means the previous revision, as `helm rollback NAME` does.
                continue;
            }
            args.add(value);
        }
        if (!config.shell()) {
            return args;
        }
        return List.of("sh", "-c", String.join(" ", args));
    }

    private static String fill(String template, Map<String, String> values, boolean quote) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue();
            out = out.replace("{" + e.getKey() + "}", quote ? "'" + v.replace("'", "'\\''") + "'" : v);
        }
        return out;
    }

    /** Reads a process's output to its end and keeps the last characters. */
    private static final class OutputTail implements Runnable {
        private final InputStream in;
        private final StringBuilder tail = new StringBuilder();

        OutputTail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    String chunk = new String(buffer, 0, n, StandardCharsets.UTF_8);
                    synchronized (tail) {
                        tail.append(chunk);
                        if (tail.length() > 2 * MAX_OUTPUT_CHARS) {
                            tail.delete(0, tail.length() - MAX_OUTPUT_CHARS);
                        }
                    }
                }
            } catch (IOException e) {
                // The process was killed and its pipe closed: what was read is kept.
                LOG.debug("The command's output ended early: {}", e.toString());
            }
        }

        String text() {
            synchronized (tail) {
                int from = Math.max(0, tail.length() - MAX_OUTPUT_CHARS);
                return tail.substring(from).strip();
            }
        }
    }
}
