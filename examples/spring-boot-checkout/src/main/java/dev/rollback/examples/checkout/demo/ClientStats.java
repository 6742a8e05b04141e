package dev.rollback.examples.checkout.demo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the demo's HTTP client saw, per second of traffic: requests, failures (anything but a 201, or
 * no answer), and which checkout path answered with what latency. Only the client's own
 * observations go in here; the demo's claim of zero failed requests comes from these counts.
 * Thread-safe.
 */
final class ClientStats {

    /** Which checkout answered a request, from its receipt; {@code FAILED} when none did. */
    enum Answer {
        /** The new path answered ({@code "path": "v2"}). */
        V2,
        /** The old path answered ({@code "path": "v1"}), on its own or for a failed new path. */
        V1,
        /** The client got no receipt: an error status, a timeout, a refused connection. */
        FAILED
    }

    private final int seconds;
    private final LongAdder[] requests;
    private final LongAdder[] failures;
    private final LongAdder[] v2;
    private final LongAdder[] v1;
    private final LongAdder[] v2Micros;
    private final LongAdder[] v1Micros;
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder totalFailures = new LongAdder();
    private final LongAdder totalV2 = new LongAdder();
    private final AtomicLong firstV2Millis = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastV2Millis = new AtomicLong(-1);

    /**
     * Creates empty statistics.
     *
     * @param seconds how many one-second buckets; later requests go in the last one
     */
    ClientStats(int seconds) {
        this.seconds = seconds;
        this.requests = adders(seconds);
        this.failures = adders(seconds);
        this.v2 = adders(seconds);
        this.v1 = adders(seconds);
        this.v2Micros = adders(seconds);
        this.v1Micros = adders(seconds);
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /**
     * Records one request.
     *
     * @param startMillis   when it was sent, in milliseconds since the traffic started
     * @param answer        who answered
     * @param latencyMicros how long the client waited, in microseconds
     * @param failure       for a failed request, what went wrong; otherwise ignored
     */
    void record(long startMillis, Answer answer, long latencyMicros, String failure) {
        int s = (int) Math.min(seconds - 1, Math.max(0, startMillis / 1000));
        requests[s].increment();
        total.increment();
        switch (answer) {
            case V2 -> {
                v2[s].increment();
                v2Micros[s].add(latencyMicros);
                totalV2.increment();
                firstV2Millis.accumulateAndGet(startMillis, Math::min);
                lastV2Millis.accumulateAndGet(startMillis, Math::max);
            }
            case V1 -> {
                v1[s].increment();
                v1Micros[s].add(latencyMicros);
            }
            case FAILED -> {
                failures[s].increment();
                totalFailures.increment();
                firstFailure.compareAndSet(null, failure);
            }
        }
    }

    /** @return requests sent so far */
    long total() {
        return total.sum();
    }

    /** @return when the first request the new path answered was sent, in ms since the traffic started, or -1 */
    long firstV2Millis() {
        long first = firstV2Millis.get();
        return first == Long.MAX_VALUE ? -1 : first;
    }

    /** @return when the last request the new path answered was sent, in ms since the traffic started, or -1 */
    long lastV2Millis() {
        return lastV2Millis.get();
    }

    /** @return requests that failed for the client so far */
    long failures() {
        return totalFailures.sum();
    }

    /** @return requests the new path answered so far */
    long answeredByV2() {
        return totalV2.sum();
    }

    /** @return what went wrong with the first failed request, or {@code null} if none failed */
    String firstFailure() {
        return firstFailure.get();
    }

    /** @return the number of one-second buckets */
    int seconds() {
        return seconds;
    }

    /**
     * Returns the requests sent in one second.
     *
     * @param second the bucket
     * @return how many
     */
    long requests(int second) {
        return requests[second].sum();
    }

    /**
     * Returns the requests that failed in one second.
     *
     * @param second the bucket
     * @return how many
     */
    long failures(int second) {
        return failures[second].sum();
    }

    /**
     * Returns the requests one path answered in one second.
     *
     * @param second the bucket
     * @param answer {@link Answer#V2} or {@link Answer#V1}
     * @return how many
     */
    long answered(int second, Answer answer) {
        return (answer == Answer.V2 ? v2 : v1)[second].sum();
    }

    /**
     * Returns the client's mean latency of the answers of one path in one second.
     *
     * @param second the bucket
     * @param answer {@link Answer#V2} or {@link Answer#V1}
     * @return milliseconds, or {@code NaN} if that path answered nothing then
     */
    double meanLatencyMillis(int second, Answer answer) {
        long n = answered(second, answer);
        long micros = (answer == Answer.V2 ? v2Micros : v1Micros)[second].sum();
        return n == 0 ? Double.NaN : micros / 1000.0 / n;
    }
}
