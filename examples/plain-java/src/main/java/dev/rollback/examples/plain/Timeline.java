package dev.rollback.examples.plain;

import io.micrometer.core.instrument.Clock;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * Prints what happens, as it happens, one line per event with its time offset since the start of the
 * run. Lines come from every worker thread (events are delivered on the thread of the call that
 * caused them), so printing is serialised.
 */
final class Timeline {

    private static final String FORMAT = "%9s  %-10s  %s%n";

    private final PrintStream out;
    private final Clock clock;
    private volatile long startMillis;

    /**
     * Creates the timeline; its offsets count from now until {@link #start()} is called.
     *
     * @param out   where lines go
     * @param clock the registry's clock, so that event times and offsets agree
     */
    Timeline(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
        this.startMillis = clock.wallTime();
    }

    /** Makes offsets count from now, and prints the column heads. */
    synchronized void start() {
        startMillis = clock.wallTime();
        out.printf(Locale.ROOT, FORMAT, "t (ms)", "what", "detail");
    }

    /**
     * Returns the milliseconds since the start.
     *
     * @return the offset now
     */
    long now() {
        return clock.wallTime() - startMillis;
    }

    /**
     * Returns the milliseconds between the start and {@code time}.
     *
     * @param time a time read from the same clock
     * @return the offset
     */
    long offset(Instant time) {
        return time.toEpochMilli() - startMillis;
    }

    /**
     * Prints an event that happens now.
     *
     * @param what   a short tag, e.g. {@code state}
     * @param detail the rest of the line
     */
    void line(String what, String detail) {
        line(now(), what, detail);
    }

    /**
     * Prints an event with its offset and continuation lines below it, all at once so that no other
     * thread's line comes between them.
     *
     * @param offsetMillis  when, since the start
     * @param what          a short tag
     * @param detail        the rest of the first line
     * @param continuations further lines, printed under the detail
     */
    synchronized void line(long offsetMillis, String what, String detail, String... continuations) {
        out.printf(Locale.ROOT, FORMAT, String.format(Locale.ROOT, "%,d", offsetMillis), what, detail);
        for (String c : continuations) {
            out.printf(Locale.ROOT, FORMAT, "", "", c);
        }
        out.flush();
    }
}
