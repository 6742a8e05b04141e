package dev.rollback.examples.checkout.demo;

import dev.rollback.core.metrics.RollbackMetricNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The service's own counts of guarded calls, scraped from {@code /actuator/prometheus} about once a
 * second: the {@code rollback.calls} timers of one feature by path and outcome. A new-path failure is
 * answered by the old path, so the client never sees it: only the service can count it, and this is
 * where the demo's new-path error rate comes from. Not thread-safe; the observer owns it.
 */
final class ServerSeries {

    /** The Prometheus name of the {@code rollback.calls} timer's count. */
    static final String CALLS_COUNT = RollbackMetricNames.CALLS.replace('.', '_') + "_seconds_count";

    /**
     * One scrape's cumulative counts.
     *
     * @param elapsedMillis when, in milliseconds since the traffic started
     * @param newSuccess    new path, succeeded
     * @param newFailure    new path, failed (answered by the old path)
     * @param oldSuccess    old path, on its own
     * @param oldFallback   old path, answering for the new one
     * @param oldFailure    old path, failed (the caller saw it)
     */
    record Point(long elapsedMillis, double newSuccess, double newFailure, double oldSuccess, double oldFallback,
                 double oldFailure) {
    }

    /**
     * The rates between two scrapes.
     *
     * @param fromMillis       start, in milliseconds since the traffic started
     * @param toMillis         end
     * @param newCalls         new-path calls in between
     * @param newErrorRate     share of them that failed, or {@code NaN} if none ran
     * @param oldCalls         old-path calls in between
     * @param oldErrorRate     share of them that failed, or {@code NaN} if none ran
     * @param fallbacks        calls the old path answered for the new one
     */
    record Interval(long fromMillis, long toMillis, double newCalls, double newErrorRate, double oldCalls,
                    double oldErrorRate, double fallbacks) {
    }

    private final String feature;
    private final List<Point> points = new ArrayList<>();

    /**
     * Creates an empty series.
     *
     * @param feature the feature whose calls are counted
     */
    ServerSeries(String feature) {
        this.feature = feature;
    }

    /**
     * Adds a scrape.
     *
     * @param elapsedMillis when it was taken, in milliseconds since the traffic started
     * @param scrape        its samples
     * @return the point added
     */
    Point add(long elapsedMillis, List<PrometheusText.Sample> scrape) {
        Point p = new Point(elapsedMillis, count(scrape, "new", "success"), count(scrape, "new", "failure"),
                count(scrape, "old", "success"), count(scrape, "old", "fallback"), count(scrape, "old", "failure"));
        points.add(p);
        return p;
    }

    private double count(List<PrometheusText.Sample> scrape, String path, String outcome) {
        return PrometheusText.sum(scrape, CALLS_COUNT, s -> s.has(RollbackMetricNames.TAG_FEATURE, feature,
                RollbackMetricNames.TAG_PATH, path, RollbackMetricNames.TAG_OUTCOME, outcome));
    }

    /** @return the scrapes so far, in order */
    List<Point> points() {
        return List.copyOf(points);
    }

    /** @return the rates between consecutive scrapes */
    List<Interval> intervals() {
        List<Interval> intervals = new ArrayList<>();
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            double newFailed = b.newFailure() - a.newFailure();
            double newCalls = newFailed + b.newSuccess() - a.newSuccess();
            double oldFailed = b.oldFailure() - a.oldFailure();
            double fallbacks = b.oldFallback() - a.oldFallback();
            double oldCalls = oldFailed + fallbacks + b.oldSuccess() - a.oldSuccess();
            intervals.add(new Interval(a.elapsedMillis(), b.elapsedMillis(), newCalls,
                    newCalls > 0 ? newFailed / newCalls : Double.NaN, oldCalls,
                    oldCalls > 0 ? oldFailed / oldCalls : Double.NaN, fallbacks));
        }
        return intervals;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ServerSeries{feature=%s, points=%d}", feature, points.size());
    }
}
