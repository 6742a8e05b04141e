package dev.rollback.examples.plain;

import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * A fake checkout: an old path {@link #checkoutV1(Order)} and the release's new path
 * {@link #checkoutV2(Order)}, each with simulated latency and a failure probability.
 *
 * <p>Every draw for an order comes from a {@link Random} seeded from the run's seed, the order's
 * number and the path, so that an order behaves the same on every run with the same seed, whichever
 * thread sends it and whatever ran before it.
 *
 * <p>The old path never fails here, on purpose: the guard answers a failed new-path call with the old
 * path, but an exception of the old path reaches the caller exactly as it would without the guard, and
 * this demo is about what the guard contains.
 */
final class CheckoutService {

    /** The old path's error rate: none, see the class comment. */
    static final double V1_ERROR_RATE = 0.0;
    /** The new path's error rate before the regression: 0.1%, the judge's default tolerance. */
    static final double V2_ERROR_RATE = 0.001;
    /** The new path's error rate after an {@link Regression#ERRORS} regression: 8%. */
    static final double V2_REGRESSED_ERROR_RATE = 0.08;
    /** How many times slower the new path is after a {@link Regression#LATENCY} regression. */
    static final double V2_REGRESSED_SLOWDOWN = 2.0;
    /** The old path's latency: this fixed part plus an exponential part of mean {@link #V1_JITTER_MICROS}. */
    static final long V1_BASE_MICROS = 700;
    /** Mean of the exponential part of the old path's latency. */
    static final long V1_JITTER_MICROS = 200;
    /**
     * The new path's latency before the regression, fixed part: as the old path's. (Were it faster, a
     * slowdown would first have to make up for that in the judge's running means, which keep every
     * sample since the rollout began, and would be caught later.)
     */
    static final long V2_BASE_MICROS = V1_BASE_MICROS;
    /** Mean of the exponential part of the new path's latency before the regression: as the old path's. */
    static final long V2_JITTER_MICROS = V1_JITTER_MICROS;

    private static final long OLD_PATH = 1;
    private static final long NEW_PATH = 2;

    private final long seed;
    private final Sleeper sleeper;
    private volatile Regression regression;

    /**
     * Creates the service, healthy.
     *
     * @param seed    the run's seed
     * @param sleeper how latency is spent
     */
    CheckoutService(long seed, Sleeper sleeper) {
        this.seed = seed;
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The old path: the checkout that has been in production.
     *
     * @param order the order
     * @return the receipt
     */
    Receipt checkoutV1(Order order) {
        return run(order, OLD_PATH, "v1", V1_BASE_MICROS, V1_JITTER_MICROS, V1_ERROR_RATE);
    }

    /**
     * The new path: the checkout this release adds, with the regression if one was injected.
     *
     * @param order the order
     * @return the receipt
     * @throws CheckoutException when the simulated call fails
     */
    Receipt checkoutV2(Order order) {
        Regression r = regression;
        double slowdown = r == Regression.LATENCY ? V2_REGRESSED_SLOWDOWN : 1;
        double errorRate = r == Regression.ERRORS ? V2_REGRESSED_ERROR_RATE : V2_ERROR_RATE;
        return run(order, NEW_PATH, "v2", Math.round(V2_BASE_MICROS * slowdown),
                Math.round(V2_JITTER_MICROS * slowdown), errorRate);
    }

    /**
     * Makes the new path regress from now on.
     *
     * @param kind how
     */
    void inject(Regression kind) {
        this.regression = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Describes what {@link #inject(Regression)} changes, for the timeline.
     *
     * @param kind the regression
     * @return e.g. {@code new path error rate 0.10% -> 8.00%}
     */
    static String describe(Regression kind) {
        return switch (kind) {
            case ERRORS -> String.format(Locale.ROOT, "new path error rate %.2f%% -> %.2f%%",
                    100 * V2_ERROR_RATE, 100 * V2_REGRESSED_ERROR_RATE);
            case LATENCY -> String.format(Locale.ROOT, "new path %.0fx slower: mean latency %.2f ms -> %.2f ms",
                    V2_REGRESSED_SLOWDOWN, (V2_BASE_MICROS + V2_JITTER_MICROS) / 1000.0,
                    V2_REGRESSED_SLOWDOWN * (V2_BASE_MICROS + V2_JITTER_MICROS) / 1000.0);
        };
    }

    private Receipt run(Order order, long path, String version, long baseMicros, long jitterMicros, double errorRate) {
        Random random = new Random(mix(seed, order.number(), path));
        double jitter = -Math.log(1 - random.nextDouble()) * jitterMicros;
        boolean fails = random.nextDouble() < errorRate;
        // a failing call gives up after half its usual time, as a call that hits an error often does
        long micros = Math.round(baseMicros + jitter) / (fails ? 2 : 1);
        sleeper.sleep(micros * 1_000);
        if (fails) {
            throw new CheckoutException("checkout " + version + " failed for order #" + order.number()
                    + " (simulated)");
        }
        return new Receipt(order.number(), version, order.amountCents());
    }

    /** SplitMix64's finaliser over the inputs: neighbouring orders get unrelated generators. */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * An order to check out.
     *
     * @param number      the request's number in the run, from 0
     * @param userId      the user, the rollout's stickiness key
     * @param amountCents the amount
     */
    record Order(long number, String userId, long amountCents) {
    }

    /**
     * What a checkout returns.
     *
     * @param orderNumber the order's number
     * @param version     which path answered, {@code v1} or {@code v2}
     * @param amountCents the amount charged
     */
    record Receipt(long orderNumber, String version, long amountCents) {
    }

    /** A simulated failure of a checkout path. */
    static final class CheckoutException extends RuntimeException {

        /**
         * Creates the exception.
         *
         * @param message what failed
         */
        CheckoutException(String message) {
            super(message);
        }
    }
}
