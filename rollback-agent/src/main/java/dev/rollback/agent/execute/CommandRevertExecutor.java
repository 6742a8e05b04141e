package dev.rollback.agent.execute;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *
 * <p><b>A command never outlives the agent, and one request never has two commands at once.</b>
 * Where {@code setsid} is on the {@code PATH} (util-linux, in most images), the command runs under a
 * small {@code sh} wrapper in a session and process group of its own, named
 * {@value #MARKER}{@code REQUEST_ID} (its {@code $0}). The wrapper's standard input is a pipe that
 * only the agent writes to and keeps open while the command runs; when the agent dies, even by
 * {@code kill -9}, the kernel closes it, the wrapper reads end-of-file and kills the whole group
 * (TERM, then KILL 5 s later). Before a request that was running when the agent stopped is run
 * again, whatever still runs under its wrapper name is killed, with its children, so the old command
 * cannot overlap the new one. Without {@code setsid} the command runs as before, logged once.
 */
public final class CommandRevertExecutor implements RevertExecutor {

    /** Most characters of output kept in the outcome (the end of it). */
    public static final int MAX_OUTPUT_CHARS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(CommandRevertExecutor.class);
    private static final long KILL_WAIT_SECONDS = 5;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(service|namespace|fromVersion|toVersion)}");
    /** The wrapper's name ({@code $0}) before the request id: what a restarted agent looks for. */
    static final String MARKER = "rollback-agent-command:";
    /**
     * Runs "$@" in the background with no input, and watches the input inherited from the agent (a
     * pipe, on fd 3, since a background job's input would be /dev/null): at its end the agent is gone,
     * and the whole process group goes with it.
     */
    private static final String WATCHER = String.join("\n",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "{ while read -r _ <&3; do :; done; kill -TERM 0; sleep 5; kill -KILL 0; } </dev/null &",
            "watcher=$!",
            "wait \"$child\"",
            "code=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$code\"");
    private static final boolean SETSID = onPath("setsid");

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
        if (SETSID && !isExecutable(argv.get(0))) {
            // Under the wrapper a missing program would only show as the shell's exit code 127.
            return RevertOutcome.failed("command " + argv + " could not start: no executable program '"
                    + argv.get(0) + "'" + (argv.get(0).contains("/") ? "" : " on the PATH"));
        }
        if (job.resumed()) {
            killSurvivors(job.request().id());
        }
        Process process;
        try {
            process = new ProcessBuilder(launched(argv, job.request().id())).redirectErrorStream(true).start();
        } catch (IOException e) {
            return RevertOutcome.failed("command " + argv + " could not start: " + e.getMessage());
        }
        if (!SETSID) {
            closeInput(process);
        }
        try {
            return await(process, argv, config);
        } finally {
            closeInput(process); // held open until now: its end tells the wrapper that the agent is gone
        }
    }

    private static void closeInput(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("The command's input could not be closed: {}", e.toString());
        }
    }

    private RevertOutcome await(Process process, List<String> argv, ExecutorConfig.Command config) {
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
        kill(process.toHandle());
    }

    /** Kills a process and its descendants, and waits a little for them to end. */
    private static void kill(ProcessHandle process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process);
        all.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KILL_WAIT_SECONDS);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Command process {} did not end after it was killed", p.pid());
            }
        }
    }

    /**
     * Returns what is started for a command line: the command under the watching wrapper, in a
     * session of its own, when {@code setsid} is there; else the command itself.
     *
     * @param argv      the command line
     * @param requestId the request, named in the wrapper's {@code $0}
     * @return the program and its arguments
     */
    static List<String> launched(List<String> argv, String requestId) {
        if (!SETSID) {
            return argv;
        }
        List<String> launched = new ArrayList<>(List.of("setsid", "sh", "-c", WATCHER, MARKER + requestId));
        launched.addAll(argv);
        return launched;
    }

    /**
     * Kills what still runs under the wrapper of a request, with its children: the command of an
     * agent that died while it ran, before the request runs again.
     *
     * @param requestId the request
     * @return how many wrappers were killed
     */
    static int killSurvivors(String requestId) {
        String name = MARKER + requestId;
        List<ProcessHandle> survivors = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(name)).orElse(false))
                .toList();
        for (ProcessHandle survivor : survivors) {
            LOG.warn("Killing process {} ({}), the command of request {} left running by an agent that stopped,"
                    + " before running it again", survivor.pid(), survivor.info().commandLine().orElse(name),
                    requestId);
            kill(survivor);
        }
        return survivors.size();
    }

    /** Whether a program, by path or by name on the {@code PATH}, can be run. */
    private static boolean isExecutable(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private static boolean onPath(String program) {
        boolean found = isExecutable(program);
        if (!found) {
            LOG.warn("'{}' is not on the PATH: revert commands run without a process group of their own, and one"
                    + " may outlive an agent that is killed", program);
        }
        return found;
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
