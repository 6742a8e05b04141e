package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.examples.checkout.reflex.ReflexRigExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's {@code --scenario=instance} as {@code main} runs it: release 2 and the agent's runnable
 * jar as processes, the new quote made to fail, the agent's revert, release 1 serving. Bounded by the
 * rig's waits (the agent's request within 30 s of the onset, release 1 within 90 s); about half a
 * minute here. It passes only if the revert succeeded and only release 1 answered after its first
 * answer, and the timeline and report show onset, revert requested and release 1 serving.
 */
class InstanceDemoEndToEndTest {

    @BeforeEach
    void programs() {
        ReflexRigExtension.assumePrograms();
    }

    @Test
    void theInstanceScenarioShowsTheAgentBringingBackRelease1AndWritesTheReport() throws Exception {
        Path reportDirectory = Path.of("target", "instance-demo-end-to-end");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = CheckoutDemo.run(new String[] {"--scenario=instance", "--report=" + reportDirectory},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; printed:%n%s%nerrors:%n%s", printed, err).isEqualTo(CheckoutDemo.EXIT_OK);
        assertThat(printed).contains("regression onset", "verdict: rolled back", "health ROLLBACK_REQUESTED",
                "revert requested", "release 2 stopped", "release 1 serving", "revert ended", "SUCCEEDED (its command returned), trigger health",
                "onset -> revert requested: ", "requests from the onset to release 1's first answer failed",
                "claim holds");
        String report = Files.readString(reportDirectory.resolve(ReportWriter.FILE_NAME));
        assertThat(report).contains("<svg", Chart.NEW_PATH_COLOUR, Chart.OLD_PATH_COLOUR, Chart.CLIENT_COLOUR,
                Chart.ROLLBACK_COLOUR, ">revert requested<", ">release 1 serving<", "Reverted to release 1.",
                "verdict: rolled back");
    }
}
