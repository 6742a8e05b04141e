package dev.rollback.core.internal;

import io.micrometer.core.instrument.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one message through per interval, so that a failure on every call is not logged on every call.
 * Public for this library's other modules only.
 */
public final class ThrottledLog {

    private final Clock clock;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * Creates a throttle that lets the first message through.
     *
     * @param clock         the clock whose monotonic time it reads
     * @param intervalNanos the interval, in nanoseconds
     */
    public ThrottledLog(Clock clock, long intervalNanos) {
        this.clock = clock;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Returns how many were suppressed since the last one let through, plus one, if this one may be
     * logged now; otherwise 0.
     *
     * @return the count, or 0
     */
    public long tryAcquire() {
        long now = clock.monotonicTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + intervalNanos)) {
            return suppressed.getAndSet(0) + 1;
        }
        suppressed.incrementAndGet();
        return 0;
    }
}
