package dev.rollback.core.internal;

import io.micrometer.core.instrument.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Adapters that let Resilience4j and Caffeine read time from a Micrometer {@link Clock}. */
public final class MicrometerClocks {

    private MicrometerClocks() {
    }

    /**
     * Returns a {@link java.time.Clock} whose instant is the Micrometer clock's wall time.
     *
     * @param clock the Micrometer clock
     * @return the adapter
     */
    public static java.time.Clock javaClock(Clock clock) {
        return new JavaClock(clock);
    }

    /**
     * Returns the Micrometer clock's wall time as an instant.
     *
     * @param clock the Micrometer clock
     * @return the instant
     */
    public static Instant now(Clock clock) {
        return Instant.ofEpochMilli(clock.wallTime());
    }

    private static final class JavaClock extends java.time.Clock {
        private final Clock clock;

        JavaClock(Clock clock) {
            this.clock = clock;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(ZoneId zone) {
            if (ZoneOffset.UTC.equals(zone)) {
                return this;
            }
            throw new UnsupportedOperationException("the registry's clock is UTC only, was asked for " + zone);
        }

        @Override
        public long millis() {
            return clock.wallTime();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(clock.wallTime());
        }
    }
}
