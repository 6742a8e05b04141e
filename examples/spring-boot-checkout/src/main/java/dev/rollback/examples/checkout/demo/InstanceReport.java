package dev.rollback.examples.checkout.demo;

import dev.rollback.examples.checkout.order.QuoteService;
import java.util.Locale;
import java.util.Set;

/**
 * The instance scenario's report, as the checkout scenario's ({@link ReportWriter}): what the client
 * got each second (release 2's answers, failures, release 1's answers) with the onset, the agent's
 * revert request and release 1's first answer marked, and the timeline as a table.
 */
final class InstanceReport {

    private InstanceReport() {
    }

    /**
     * Renders the report.
     *
     * @param result the run
     * @return the HTML page
     */
    static String html(InstanceResult result) {
        StringBuilder h = ReportWriter.head("rollback demo: the instance reflex");
        h.append("<h1>rollback demo: the instance asks to be reverted, the agent brings back release 1</h1>\n");
        h.append("<p class=\"note\">The checkout service runs as release 2, whose <code>")
                .append(QuoteService.FEATURE).append("</code> has no old path; the rollback agent polls its"
                        + " <code>/actuator/rollback</code> every second and reverts with a command that stops release 2"
                        + " and starts release 1. One client asks for a quote about every 20 ms.</p>\n");
        h.append(String.format(Locale.ROOT, "<p class=\"claim%s\">%s Onset &rarr; revert requested: %.1f s;"
                        + " onset &rarr; release 1 serving: %.1f s. %s; after release 1's first answer, %s.</p>%n",
                result.claimHolds() ? "" : " bad", result.claimHolds() ? "Reverted to release 1."
                        : "Not shown: the revert ended " + Html.escape(result.revertState()) + ".",
                (result.requestedMillis() - result.onsetMillis()) / 1000.0,
                (result.release1Millis() - result.onsetMillis()) / 1000.0,
                Html.escape(InstanceScenario.describeFailures(result.during())),
                result.after().keySet().equals(Set.of(InstanceResult.RELEASE_1))
                        ? "only release 1 answered" : Html.escape("the client got " + result.after())));

        int n = result.seconds();
        double[] x = new double[n];
        double[] release2 = new double[n];
        double[] failed = new double[n];
        double[] release1 = new double[n];
        for (int s = 0; s < n; s++) {
            x[s] = s + 0.5;
            release2[s] = result.share(s, InstanceResult.RELEASE_2::equals);
            failed[s] = result.share(s, InstanceResult::failed);
            release1[s] = result.share(s, InstanceResult.RELEASE_1::equals);
        }
        h.append("<h2>What the client saw</h2>\n");
        h.append(new Chart("Share of the client's requests per second, by what answered", "share of requests", n, true)
                .add(new Chart.Series("release 2", Chart.NEW_PATH_COLOUR, x, release2))
                .add(new Chart.Series("failed for the client", Chart.CLIENT_COLOUR, x, failed))
                .add(new Chart.Series("release 1", Chart.OLD_PATH_COLOUR, x, release1))
                .add(new Chart.Marker("onset", Chart.MARKER_COLOUR, result.onsetMillis() / 1000.0, false))
                .add(new Chart.Marker("revert requested", Chart.ROLLBACK_COLOUR, result.requestedMillis() / 1000.0, true))
                .add(new Chart.Marker("release 1 serving", Chart.MARKER_COLOUR, result.release1Millis() / 1000.0, false))
                .svg());
        h.append("<p class=\"note\">Counted by the demo's own HTTP client: a request failed if it got anything but"
                + " 200 with a quote (HTTP 500 from the failing new quote, or no connection while no release"
                + " listened).</p>\n");
        return ReportWriter.end(h, result.timeline());
    }
}
