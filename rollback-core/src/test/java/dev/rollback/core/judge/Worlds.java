package dev.rollback.core.judge;

import dev.rollback.core.judge.Simulation.World;
import dev.rollback.core.judge.Simulation.WorldModel;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/** The judge lab's shared conditions: what hits the old and the new path alike. */
final class Worlds {

    private Worlds() {
    }

    /** A world with the given functions of time; no step. */
    private record Functions(DoubleUnaryOperator latency,
                             DoubleUnaryOperator errors,
                             DoubleUnaryOperator traffic, double changeAt) implements World {
        @Override
        public double latencyFactor(double seconds) {
            return latency.applyAsDouble(seconds);
        }

        @Override
        public double sharedErrorRate(double seconds) {
            return errors.applyAsDouble(seconds);
        }

        @Override
        public double callsPerSecond(double seconds) {
            return traffic.applyAsDouble(seconds);
        }
    }

    /** Every call of both paths becomes {@code factor} times slower at a time drawn in [from, to) seconds. */
    static WorldModel latencyStep(double factor, double from, double to) {
        return random -> {
            double at = from + (to - from) * random.nextDouble();
            return new Functions(t -> t < at ? 1 : factor, t -> 0, t -> 0, at);
        };
    }

    /** Latency of both paths doubles every {@code seconds}. */
    static WorldModel drift(double seconds) {
        return random -> new Functions(t -> Math.pow(2, t / seconds), t -> 0, t -> 0, Double.POSITIVE_INFINITY);
    }

    /**
     * Traffic and latency follow one sinusoid of {@code periodSeconds}, each 10x between trough and
     * peak, around {@code meanCallsPerSecond}; the phase is random.
     */
    static WorldModel diurnal(double periodSeconds, double meanCallsPerSecond) {
        // (1 + a) / (1 - a) = 10
        double amplitude = 9.0 / 11;
        return random -> {
            double phase = 2 * Math.PI * random.nextDouble();
            DoubleUnaryOperator wave =
                    t -> 1 + amplitude * Math.sin(2 * Math.PI * t / periodSeconds + phase);
            return new Functions(wave, t -> 0, t -> meanCallsPerSecond * wave.applyAsDouble(t),
                    Double.POSITIVE_INFINITY);
        };
    }

    /**
     * Both paths fail {@code rate} of their calls during bursts of {@code seconds}, one in every
     * {@code everySeconds} on average (Poisson starts), from a random first one.
     */
    static WorldModel errorBursts(double rate, double seconds, double everySeconds) {
        return random -> {
            double[] starts = new double[2_000];
            double t = 0;
            for (int i = 0; i < starts.length; i++) {
                t += -Math.log(1 - random.nextDouble()) * everySeconds;
                starts[i] = t;
            }
            return new Functions(s -> 1, s -> inBurst(starts, s, seconds) ? rate : 0, s -> 0,
                    Double.POSITIVE_INFINITY);
        };
    }

    private static boolean inBurst(double[] starts, double t, double seconds) {
        int i = Arrays.binarySearch(starts, t);
        int before = i >= 0 ? i : -i - 2;
        return before >= 0 && t < starts[before] + seconds;
    }

    /** One call every {@code seconds} on average. */
    static WorldModel lowTraffic(double seconds) {
        return random -> new Functions(t -> 1, t -> 0, t -> 1 / seconds, Double.POSITIVE_INFINITY);
    }
}
