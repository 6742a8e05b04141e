package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --instances=3} as {@code main} runs it: three instances of the service on free ports share one
 * ledger database and the client's traffic; after the regression the fleet judge, pooling the three
 * instances' pairs, rolls the feature back on all three, the ledger records one {@code FLEET} rollback,
 * and no request fails for the client (the old path answers). Bounded: 20 s of traffic.
 */
class FleetDemoEndToEndTest {

    @Test
    void threeInstancesReachOneFleetVerdictAndAllTakeTheOldPathWithNoFailedRequest() throws Exception {
        Path reportDirectory = Path.of("target", "demo-fleet-end-to-end");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = CheckoutDemo.run(new String[] {"--instances=3", "--duration=20", "--rollout-at=1", "--onset=5",
                "--error-rate=0.1", "--rate=150", "--report=" + reportDirectory},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; printed:%n%s%nerrors:%n%s", printed, err).isEqualTo(CheckoutDemo.EXIT_OK);
        assertThat(printed).containsPattern("fleet verdict +reached by checkout-[123]: fleet regression \\(verdict 1 by"
                + " checkout-[123], pooled over 3 instance\\(s\\) \\[checkout-1, checkout-2, checkout-3\\]\\)");
        assertThat(printed).contains("fleet verdict reached; 3 of 3 instances on the old path",
                "1 FLEET rollback(s) in the ledger", FleetWatch.OLD_PATH_ON + "checkout-1",
                FleetWatch.OLD_PATH_ON + "checkout-2", FleetWatch.OLD_PATH_ON + "checkout-3",
                "requests that failed for the client: 0 of", "claim holds");
        String report = Files.readString(reportDirectory.resolve(ReportWriter.FILE_NAME));
        assertThat(report).contains("<b>Fleet:</b> fleet verdict reached; 3 of 3 instances on the old path",
                FleetWatch.FLEET_VERDICT, FleetWatch.OLD_PATH_ON + "checkout-3");
    }
}
