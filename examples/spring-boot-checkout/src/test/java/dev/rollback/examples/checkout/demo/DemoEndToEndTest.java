package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.examples.checkout.migration.MigrationInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's first command in short: the demo as {@code main} runs it (service started on a free
 * port, real HTTP traffic, rollout, regression), with a stronger regression and a shorter run so that
 * the test takes about fifteen seconds. It passes only if the service rolled the feature back after
 * the regression and the demo's client saw no failed request.
 */
class DemoEndToEndTest {

    @Test
    void theDemoShowsTheRollbackWithNoFailedRequestAndWritesTheReport() throws Exception {
        Path reportDirectory = Path.of("target", "demo-end-to-end");

        String printed = runDemo(reportDirectory, "--flags=memory");

        assertThat(printed).contains("InMemoryFlagSource", "verdict: rolled back", "by judge, error_rate", "first fallback",
                "migration phase", "schema expanded", "requests that failed for the client: 0 of",
                "claim holds", "version schemas", MigrationInfo.NO_VERSION_SCHEMAS);
        String report = Files.readString(reportDirectory.resolve(ReportWriter.FILE_NAME));
        assertThat(report).contains("<svg", Chart.NEW_PATH_COLOUR, Chart.OLD_PATH_COLOUR, Chart.ROLLBACK_COLOUR,
                ">rolled back<", "verdict: rolled back", MigrationInfo.NO_VERSION_SCHEMAS);
    }

    @Test
    void withOpenFeatureTheKillSwitchTurnsTheFlagOffInTheFlagdFile() throws Exception {
        Path reportDirectory = Path.of("target", "demo-end-to-end-openfeature");

        String printed = runDemo(reportDirectory, "--flags=openfeature");

        assertThat(printed).contains("OpenFeatureFlagSource; rollout set by edits of the flag file",
                "verdict: rolled back", "flag off fleet-wide", "the kill switch rewrote flagd.json: checkout-v2 off",
                "requests that failed for the client: 0 of", "claim holds");
        String file = Files.readString(reportDirectory.resolve("flagd.json"));
        assertThat(file).contains("\"defaultVariant\" : \"off\"").doesNotContain("fractional");
        assertThat(Files.readString(reportDirectory.resolve(ReportWriter.FILE_NAME))).contains("flags: openfeature",
                "flag off fleet-wide");
    }

    /** Runs the demo as {@code main} does, shortened, and returns what it printed; it must exit with 0. */
    private static String runDemo(Path reportDirectory, String flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CheckoutDemo.run(new String[] {"--duration=12", "--rollout-at=1", "--onset=4",
                "--error-rate=0.5", "--rate=100", "--report=" + reportDirectory, flags},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; printed:%n%s%nerrors:%n%s", printed, err).isEqualTo(CheckoutDemo.EXIT_OK);
        return printed;
    }
}
