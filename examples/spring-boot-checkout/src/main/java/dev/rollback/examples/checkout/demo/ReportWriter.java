package dev.rollback.examples.checkout.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the run as one self-contained HTML page: charts (inline SVG) of the error rate and latency
 * of the new and old paths over time with the rollout, the regression and the rollback marked, and
 * the timeline as a table. No scripts, no external files.
 */
final class ReportWriter {

    /** The report's file name. */
    static final String FILE_NAME = "report.html";

    private ReportWriter() {
    }

    /**
     * Writes the report.
     *
     * @param result    the run
     * @param directory where {@value #FILE_NAME} goes; created if missing
     * @return the file written
     * @throws UncheckedIOException if it cannot be written
     */
    static Path write(RunResult result, Path directory) {
        return write(html(result), directory);
    }

    /**
     * Writes a report page.
     *
     * @param html      the page
     * @param directory where {@value #FILE_NAME} goes; created if missing
     * @return the file written
     * @throws UncheckedIOException if it cannot be written
     */
    static Path write(String html, Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(FILE_NAME);
            Files.writeString(file, html, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renders the report.
     *
     * @param result the run
     * @return the HTML page
     */
    static String html(RunResult result) {
        DemoOptions o = result.options();
        ClientStats c = result.client();
        double xMax = o.durationSeconds();
        StringBuilder h = head("rollback demo: checkout-v2");
        h.append("<h1>rollback demo: the checkout service rolls <code>checkout-v2</code> back</h1>\n");
        h.append(String.format(Locale.ROOT, "<p class=\"note\">%d s of traffic at %d requests/s from %d users;"
                + " new path on for %d%% of users at %d s; regression at %d s (%s); flags: %s.</p>%n",
                o.durationSeconds(), o.rate(), o.users(), o.rolloutPercent(), o.rolloutAtSeconds(), o.onsetSeconds(),
                Html.escape(o.describeRegression()), o.flags().optionValue()));
        boolean holds = result.claimHolds();
        h.append(String.format(Locale.ROOT, "<p class=\"claim%s\">%s. Requests sent by the demo's client: %,d;"
                + " failed for the client: <b>%,d</b>; answered by the new path: %,d.</p>%n",
                holds ? "" : " bad",
                result.rollbackMillis() >= 0 ? String.format(Locale.ROOT, "Rolled back %.1f s after the regression started",
                        (result.rollbackMillis() - result.onsetMillis()) / 1000.0) : "Not rolled back",
                c.total(), c.failures(), c.answeredByV2()));
        if (result.fleet() != null) {
            h.append("<p><b>Fleet:</b> ").append(Html.escape(result.fleet().describe())).append("</p>\n");
        }
        if (!result.verdict().isEmpty()) {
            h.append("<p><b>Verdict:</b> ").append(Html.escape(result.verdict())).append("</p>\n");
        }

        List<ServerSeries.Interval> server = result.server();
        double[] sx = new double[server.size()];
        double[] newErr = new double[server.size()];
        double[] oldErr = new double[server.size()];
        for (int i = 0; i < server.size(); i++) {
            ServerSeries.Interval in = server.get(i);
            sx[i] = in.toMillis() / 1000.0;
            newErr[i] = in.newErrorRate();
            oldErr[i] = in.oldErrorRate();
        }
        int n = c.seconds();
        double[] cx = new double[n];
        double[] clientErr = new double[n];
        double[] v2Latency = new double[n];
        double[] v1Latency = new double[n];
        double[] v2Share = new double[n];
        for (int s = 0; s < n; s++) {
            cx[s] = s + 0.5;
            long requests = c.requests(s);
            clientErr[s] = requests == 0 ? Double.NaN : (double) c.failures(s) / requests;
            v2Latency[s] = c.meanLatencyMillis(s, ClientStats.Answer.V2);
            v1Latency[s] = c.meanLatencyMillis(s, ClientStats.Answer.V1);
            v2Share[s] = requests == 0 ? Double.NaN : (double) c.answered(s, ClientStats.Answer.V2) / requests;
        }

        h.append("<h2>Error rate</h2>\n");
        h.append(markers(result, new Chart("Error rate per path (the service's meters)", "share of calls", xMax, true)
                .add(new Chart.Series("new path (checkout-v2)", Chart.NEW_PATH_COLOUR, sx, newErr))
                .add(new Chart.Series("old path (checkoutV1)", Chart.OLD_PATH_COLOUR, sx, oldErr))).svg());
        h.append("<p class=\"note\">A new-path failure is answered by the old path, so the client does not see it:"
                + " the paths' error rates come from the service's <code>rollback.calls</code> meters, scraped"
                + " from <code>/actuator/prometheus</code> about once a second.</p>\n");

        h.append("<h2>Latency</h2>\n");
        h.append(markers(result, new Chart("Mean latency seen by the client, by the path that answered",
                "milliseconds", xMax, false)
                .add(new Chart.Series("new path (v2 answers)", Chart.NEW_PATH_COLOUR, cx, v2Latency))
                .add(new Chart.Series("old path (v1 answers)", Chart.OLD_PATH_COLOUR, cx, v1Latency))).svg());

        h.append("<h2>What the client saw</h2>\n");
        h.append(markers(result, new Chart("Requests answered by the new path, and requests that failed (client)",
                "share of requests", xMax, true)
                .add(new Chart.Series("answered by the new path", Chart.NEW_PATH_COLOUR, cx, v2Share))
                .add(new Chart.Series("failed for the client", Chart.CLIENT_COLOUR, cx, clientErr))).svg());
        h.append("<p class=\"note\">Counted by the demo's own HTTP client: a request failed if it got anything but"
                + " 201 with a receipt, or no answer within " + ServiceClient.REQUEST_TIMEOUT.toSeconds() + " s.</p>\n");

        return end(h, result.timeline());
    }

    /**
     * Starts a report page: the document's head with the report's style, and the opening body tag.
     *
     * @param title the page's title
     * @return the page so far
     */
    static StringBuilder head(String title) {
        return new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <title>%s</title>
                <style>
                """.formatted(Html.escape(title))).append("""
                body { font-family: sans-serif; margin: 24px; color: #222; max-width: 940px; }
                h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
                .claim { font-size: 16px; padding: 10px 14px; border-radius: 6px; background: #eef6ee; border: 1px solid #9c9; }
                .claim.bad { background: #fbeaea; border-color: #d99; }
                table { border-collapse: collapse; font-size: 13px; width: 100%; }
                td, th { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
                td.t { white-space: nowrap; font-family: monospace; text-align: right; }
                svg { display: block; margin: 8px 0 4px 0; }
                svg .title { font-size: 14px; font-weight: bold; fill: #222; }
                svg .tick, svg .legend, svg .marker { font-size: 11px; fill: #444; }
                svg .grid { stroke: #e4e4e4; stroke-width: 1; } svg .frame { fill: none; stroke: #bbb; }
                .note { font-size: 12px; color: #555; }
                </style></head><body>
                """);
    }

    /**
     * Ends a report page with the timeline as a table.
     *
     * @param h        the page so far
     * @param timeline the entries, ordered by time
     * @return the page
     */
    static String end(StringBuilder h, List<Timeline.Entry> timeline) {
        h.append("<h2>Timeline</h2>\n<table><tr><th>time</th><th>event</th><th>details</th><th>seen by</th></tr>\n");
        for (Timeline.Entry e : timeline) {
            h.append(String.format(Locale.ROOT, "<tr><td class=\"t\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n",
                    Html.escape(e.time().strip()), Html.escape(e.event()), Html.escape(e.detail()), Html.escape(e.source())));
        }
        h.append("</table>\n<p class=\"note\">Times are seconds since the traffic started. Written by"
                + " <code>dev.rollback.examples.checkout.demo.CheckoutDemo</code>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static Chart markers(RunResult result, Chart chart) {
        chart.add(new Chart.Marker("rollout " + result.options().rolloutPercent() + "%", Chart.MARKER_COLOUR,
                result.rolloutMillis() / 1000.0, false));
        chart.add(new Chart.Marker("regression", Chart.MARKER_COLOUR, result.onsetMillis() / 1000.0, false));
        if (result.rollbackMillis() >= 0) {
            chart.add(new Chart.Marker("rolled back", Chart.ROLLBACK_COLOUR, result.rollbackMillis() / 1000.0, true));
        }
        return chart;
    }
}
