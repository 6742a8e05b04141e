package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's command line: bad input ends it at once, with a clear message and a non-zero status. */
class CheckoutDemoTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckoutDemo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownRegressionKindExitsWithStatusTwoAndTheUsage() {
        assertThat(run("--regression=meltdown")).isEqualTo(CheckoutDemo.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("CheckoutDemo: option --regression=meltdown: unknown regression kind 'meltdown'")
                .contains("usage: CheckoutDemo");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnknownScenarioExitsWithStatusTwoAndTheChoices() {
        assertThat(run("--scenario=fleet")).isEqualTo(CheckoutDemo.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("CheckoutDemo: option --scenario=fleet: unknown scenario 'fleet', expected one of"
                        + " checkout|instance");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aNegativeRateExitsWithStatusTwo() {
        assertThat(run("--rate=-1")).isEqualTo(CheckoutDemo.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("option --rate=-1 must be between 1 and 1000");
    }

    @Test
    void aPortInUseExitsWithStatusTwoBeforeAnythingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(run("--port=" + port)).isEqualTo(CheckoutDemo.EXIT_USAGE);

            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("CheckoutDemo: port " + port + " on 127.0.0.1 is in use")
                    .contains("--port=0 for a free one");
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("checkout service up");
        }
    }

    @Test
    void helpPrintsTheUsageAndExitsWithZero() {
        assertThat(run("--help")).isEqualTo(CheckoutDemo.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--regression=KIND").contains("exit status");
    }
}
