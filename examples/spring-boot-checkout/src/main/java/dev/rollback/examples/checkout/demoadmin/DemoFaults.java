package dev.rollback.examples.checkout.demoadmin;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * DEMO ONLY. The regression the demo injects into the new checkout path: none, a share of calls
 * that throw, or added latency. A real service has no such thing; here it stands for the bug a
 * release brings. Set through {@link DemoAdminController}, which is off unless
 * {@code checkout.demo.admin-enabled=true}; without it this stays {@link Fault#NONE} and costs one
 * volatile read per call.
 */
@Component
public class DemoFaults {

    /**
     * A fault.
     *
     * @param kind           {@code none}, {@code errors} or {@code latency}
     * @param errorRate      with {@code errors}: the share of calls that throw, 0 to 1
     * @param addedLatencyMs with {@code latency}: milliseconds added to each call
     */
    public record Fault(String kind, double errorRate, long addedLatencyMs) {

        /** No fault. */
        public static final Fault NONE = new Fault("none", 0, 0);

        /**
         * Checks the fault.
         *
         * @throws IllegalArgumentException naming the bad value
         */
        public Fault {
            if (!"none".equals(kind) && !"errors".equals(kind) && !"latency".equals(kind)) {
                throw new IllegalArgumentException("kind must be none, errors or latency, was '" + kind + "'");
            }
            if (!(errorRate >= 0 && errorRate <= 1)) {
                throw new IllegalArgumentException("errorRate must be between 0 and 1, was " + errorRate);
            }
            if (addedLatencyMs < 0 || addedLatencyMs > 10_000) {
                throw new IllegalArgumentException("addedLatencyMs must be between 0 and 10000, was " + addedLatencyMs);
            }
        }
    }

    /** What a failing new path throws. */
    public static final class InjectedFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InjectedFailure() {
            super("checkout-v2 failed (fault injected by the demo)");
        }
    }

    private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);

    /**
     * Returns the fault in force.
     *
     * @return the fault, {@link Fault#NONE} by default
     */
    public Fault fault() {
        return fault.get();
    }

    /**
     * Sets the fault for the calls from now on.
     *
     * @param newFault the fault
     */
    public void set(Fault newFault) {
        fault.set(newFault);
    }

    /**
     * Called at the start of the new path: does what the fault says.
     *
     * @throws InjectedFailure when the fault is {@code errors} and this call is one of its share
     */
    public void beforeNewPath() {
        Fault f = fault.get();
        switch (f.kind()) {
            case "errors" -> {
                if (ThreadLocalRandom.current().nextDouble() < f.errorRate()) {
                    throw new InjectedFailure();
                }
            }
            case "latency" -> sleep(f.addedLatencyMs());
            default -> {
                // no fault
            }
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the demo's added latency ran", e);
        }
    }
}
