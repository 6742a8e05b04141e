package dev.rollback.agent.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revert commands run in a process group of their own and die with the agent, even when it is
 * killed with {@code kill -9}; a restarted agent kills what still runs for a request before it runs
 * it again. Real processes on Linux, with {@code setsid}.
 */
class CommandProcessGroupTest {

    @TempDir
    Path dir;

    private final CommandRevertExecutor executor = new CommandRevertExecutor();

    private static RevertJob job(String id, List<String> command, boolean resumed) {
        ServiceConfig service = ServiceConfig.of("checkout", 0,
                new ExecutorConfig.Command(command, "", false, Duration.ofSeconds(30)));
        return new RevertJob(RevertRequest.queued(id, "checkout", Trigger.MANUAL, "test", null, null, Instant.EPOCH),
                service, resumed);
    }

    @Test
    void runsTheCommandInAProcessGroupOfItsOwn() throws IOException {
        RevertJob job = job("r-group", List.of("sh", "-c", "cut -d' ' -f5 /proc/$$/stat"), false);

        RevertOutcome outcome = executor.execute(job, executor.plan(job), false);

        assertThat(outcome.state()).isEqualTo(RequestState.SUCCEEDED);
        String agentGroup = Files.readString(Path.of("/proc/self/stat")).split(" ")[4];
        assertThat(outcome.detail()).containsPattern("output: \\d+").doesNotContain("output: " + agentGroup);
    }

    @Test
    void killsTheCommandWhenTheAgentIsKilledWithSigkill() throws Exception {
        Path pidFile = dir.resolve("command.pid");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CommandRunnerMain.class.getName(), pidFile.toString(), "r-kill")
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        long commandPid = await().atMost(Duration.ofSeconds(30)).until(() -> readPid(pidFile), Optional::isPresent)
                .orElseThrow();
        assertThat(ProcessHandle.of(commandPid)).get().matches(ProcessHandle::isAlive);

        agent.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        agent.waitFor();

        await("the command after its agent was killed").atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(commandPid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
    }

    @Test
    void killsWhatStillRunsForARequestBeforeRunningItAgain() throws Exception {
        // What an agent killed mid-revert could leave behind, if its command outlived it.
        Process survivor = new ProcessBuilder(CommandRevertExecutor.launched(List.of("sleep", "60"), "r-resume"))
                .start();
        await().atMost(Duration.ofSeconds(5)).until(() -> survivor.descendants().findAny().isPresent());
        List<ProcessHandle> survivors = survivor.descendants().toList();
        Path ran = dir.resolve("ran");

        RevertJob resumed = job("r-resume", List.of("touch", ran.toString()), true);
        RevertOutcome outcome = executor.execute(resumed, executor.plan(resumed), false);

        assertThat(survivor.isAlive()).isFalse();
        assertThat(survivors).noneMatch(ProcessHandle::isAlive);
        assertThat(outcome.state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(ran).exists();
    }

    private static Optional<Long> readPid(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    }
}
