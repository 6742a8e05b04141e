package dev.rollback.examples.plain;

import io.micrometer.core.instrument.MockClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the fake service spends its simulated latency: really (the demo), or by moving a
 * {@link MockClock} forward (the tests, which then run in virtual time, never sleep and repeat exactly).
 */
interface Sleeper {

    /**
     * Spends {@code nanos} nanoseconds.
     *
     * @param nanos how long, at least 0
     */
    void sleep(long nanos);

    /**
     * Returns a sleeper that parks the calling thread, on {@code System.nanoTime()}, which is the time
     * that {@code Clock.SYSTEM} measures.
     *
     * @return the sleeper
     */
    static Sleeper real() {
        return nanos -> {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
                // parkNanos may return early; loop until the time has really passed
                LockSupport.parkNanos(left);
            }
        };
    }

    /**
     * Returns a sleeper that moves {@code clock} forward. Correct for one calling thread only: with
     * several, each would see the others' latency too.
     *
     * @param clock the clock the registry reads
     * @return the sleeper
     */
    static Sleeper virtual(MockClock clock) {
        return nanos -> clock.add(nanos, TimeUnit.NANOSECONDS);
    }
}
