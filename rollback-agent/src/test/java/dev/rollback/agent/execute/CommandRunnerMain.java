package dev.rollback.agent.execute;

import dev.rollback.agent.config.ExecutorConfig;
import dev.rollback.agent.config.ServiceConfig;
import dev.rollback.agent.request.RevertRequest;
import dev.rollback.agent.request.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A stand-in for an agent, run as a process of its own by {@link CommandProcessGroupTest} so that it
 * can be killed with {@code kill -9} while its revert command runs: it runs one command that writes
 * its process id to a file and then sleeps a minute.
 */
final class CommandRunnerMain {

    private CommandRunnerMain() {
    }

    /**
     * Runs the command.
     *
     * @param args the file for the command's process id, and the request id
     */
    public static void main(String[] args) {
        ExecutorConfig.Command command = new ExecutorConfig.Command(
                List.of("sh", "-c", "echo $$ > " + args[0] + ".tmp && mv " + args[0] + ".tmp " + args[0]
                        + " && exec sleep 60"), "", false, Duration.ofMinutes(2));
        RevertJob job = new RevertJob(RevertRequest.queued(args[1], "checkout", Trigger.MANUAL, "test", null, null,
                Instant.EPOCH), ServiceConfig.of("checkout", 0, command), false);
        CommandRevertExecutor executor = new CommandRevertExecutor();
        executor.execute(job, executor.plan(job), false);
    }
}
