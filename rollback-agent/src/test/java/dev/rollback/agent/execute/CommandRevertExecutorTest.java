package dev.rollback.agent.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.request.RequestState;
import dev.rollback.agent.request.RevertPlan;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRevertExecutorTest {

    @TempDir
    Path dir;

    private final CommandRevertExecutor executor = new CommandRevertExecutor();

    private static RevertJob job(List<String> command, boolean shell, Duration timeout, String fromVersion) {
        ServiceConfig service = ServiceConfig.of("checkout", 1,
                new ExecutorConfig.Command(command, "shop", shell, timeout));
        return new RevertJob(RevertRequest.queued("r-1", "checkout", Trigger.MANUAL, "test", fromVersion, 41L,
                Instant.EPOCH), service, false);
    }

    private RevertOutcome run(RevertJob job) {
        return executor.execute(job, executor.plan(job), false);
    }

    @Test
    void succeedsWhenTheCommandExitsWithZeroAndKeepsItsOutput() {
        RevertOutcome outcome = run(job(List.of("sh", "-c", "echo rolled back {service} in {namespace} to {toVersion}"),
                false, Duration.ofSeconds(10), "2.0.0"));

        assertThat(outcome.state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(outcome.detail()).contains("exited with 0").contains("rolled back checkout in shop to 41");
    }

    @Test
    void succeedsWithTrue() {
        assertThat(run(job(List.of("true"), false, Duration.ofSeconds(10), null)).state())
                .isEqualTo(RequestState.SUCCEEDED);
    }

    @Test
    void failsWithTheExitCodeAndBothOutputStreams() {
        RevertOutcome outcome = run(job(List.of("sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"), false,
                Duration.ofSeconds(10), null));

        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("exited with 3").contains("to-stdout").contains("to-stderr");
    }

    @Test
    void failsWithFalse() {
        RevertOutcome outcome = run(job(List.of("false"), false, Duration.ofSeconds(10), null));

        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("exited with 1");
    }

    @Test
    void killsACommandThatHangsPastItsTimeout() throws Exception {
        Path pidFile = dir.resolve("pid");
        RevertOutcome outcome = run(job(List.of("sh", "-c", "echo $$ > " + pidFile + "; echo started; exec sleep 60"),
                false, Duration.ofMillis(500), null));

        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("timed out after PT0.5S").contains("was killed").contains("started");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void failsClearlyWhenTheProgramDoesNotExist() {
        RevertOutcome outcome = run(job(List.of(dir.resolve("no-such-program").toString()), false,
                Duration.ofSeconds(5), null));

        assertThat(outcome.state()).isEqualTo(RequestState.FAILED);
        assertThat(outcome.detail()).contains("could not start");
    }

    @Test
    void quotesValuesInShellModeSoThatTheyCannotInjectCommands() {
        Path marker = dir.resolve("injected");
        RevertOutcome outcome = run(job(List.of("echo", "from", "{fromVersion}"), true, Duration.ofSeconds(10),
                "1.0; touch " + marker));

        assertThat(outcome.state()).isEqualTo(RequestState.SUCCEEDED);
        assertThat(outcome.detail()).contains("from 1.0; touch " + marker);
        assertThat(marker).doesNotExist();
    }

    @Test
    void runsWithoutAShellUnlessConfigured() {
        List<String> argv = CommandRevertExecutor.commandLine(
                new ExecutorConfig.Command(List.of("helm", "rollback", "{service}", "-n", "{namespace}"), "shop", false,
                        Duration.ofSeconds(1)),
                Map.of("service", "checkout", "namespace", "shop", "fromVersion", "", "toVersion", ""));

        assertThat(argv).containsExactly("helm", "rollback", "checkout", "-n", "shop");
    }

    @Test
    void leavesOutAnArgumentThatIsOnlyAnUnknownValue() {
        List<String> argv = CommandRevertExecutor.commandLine(
                new ExecutorConfig.Command(List.of("helm", "rollback", "{service}", "{toVersion}", "--to={toVersion}"),
                        "", false, Duration.ofSeconds(1)),
                Map.of("service", "checkout", "namespace", "", "fromVersion", "", "toVersion", ""));

        assertThat(argv).containsExactly("helm", "rollback", "checkout", "--to=");
    }

    @Test
    void dryRunRunsNothing() {
        Path marker = dir.resolve("ran");
        RevertJob job = job(List.of("touch", marker.toString()), false, Duration.ofSeconds(5), null);

        RevertOutcome outcome = executor.execute(job, new RevertPlan("", "", ""), true);

        assertThat(outcome.state()).isEqualTo(RequestState.DRY_RUN);
        assertThat(outcome.detail()).contains("would run").contains("touch");
        assertThat(marker).doesNotExist();
    }
}
