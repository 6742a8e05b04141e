package dev.rollback.examples.checkout.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What happened during the run, in order: each entry has the time since the traffic started, what
 * happened, and the details. Entries marked once ({@link #once}) are recorded the first time only.
 * Thread-safe.
 */
final class Timeline {

    /**
     * One entry.
     *
     * @param elapsedMillis when, in milliseconds since the traffic started (negative: before it)
     * @param event         what happened, short
     * @param detail        the details
     * @param source        who saw it: {@code client}, {@code service} (its API or meters), {@code unleash}, {@code demo}
     */
    record Entry(long elapsedMillis, String event, String detail, String source) {

        /** @return the time as {@code +12.3 s} */
        String time() {
            return String.format(Locale.ROOT, "%+6.1f s", elapsedMillis / 1000.0);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> onceKeys = new HashSet<>();
    private final PrintStream live;

    /**
     * Creates an empty timeline.
     *
     * @param live where each entry is printed as it is recorded, or {@code null} for nowhere
     */
    Timeline(PrintStream live) {
        this.live = live;
    }

    /**
     * Records an entry.
     *
     * @param elapsedMillis when, in milliseconds since the traffic started
     * @param event         what happened
     * @param detail        the details
     * @param source        who saw it
     */
    synchronized void add(long elapsedMillis, String event, String detail, String source) {
        Entry e = new Entry(elapsedMillis, event, detail, source);
        entries.add(e);
        if (live != null) {
            live.println(format(e));
        }
    }

    /**
     * Records an entry without printing it: for what is known only after the fact.
     *
     * @param elapsedMillis when, in milliseconds since the traffic started
     * @param event         what happened
     * @param detail        the details
     * @param source        who saw it
     */
    synchronized void addQuietly(long elapsedMillis, String event, String detail, String source) {
        entries.add(new Entry(elapsedMillis, event, detail, source));
    }

    /**
     * Records an entry unless one with the same event was recorded already.
     *
     * @param elapsedMillis when
     * @param event         what happened; the key of "only once"
     * @param detail        the details
     * @param source        who saw it
     * @return whether it was recorded now
     */
    synchronized boolean once(long elapsedMillis, String event, String detail, String source) {
        if (!onceKeys.add(event)) {
            return false;
        }
        add(elapsedMillis, event, detail, source);
        return true;
    }

    /**
     * Returns whether an entry with this event was recorded.
     *
     * @param event the event
     * @return whether it is there
     */
    synchronized boolean has(String event) {
        return entries.stream().anyMatch(e -> e.event().equals(event));
    }

    /**
     * Returns the time of the first entry with this event.
     *
     * @param event the event
     * @return its time in milliseconds since the traffic started, or -1 if there is none
     */
    synchronized long timeOf(String event) {
        return entries.stream().filter(e -> e.event().equals(event)).mapToLong(Entry::elapsedMillis).min().orElse(-1);
    }

    /** @return the entries, ordered by time */
    synchronized List<Entry> entries() {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::elapsedMillis));
        return sorted;
    }

    /**
     * Prints the entries, ordered by time.
     *
     * @param out where to
     */
    void print(PrintStream out) {
        for (Entry e : entries()) {
            out.println(format(e));
        }
    }

    private static String format(Entry e) {
        return String.format(Locale.ROOT, "  %s  %-28s %s  [%s]", e.time(), e.event(), e.detail(), e.source());
    }
}
