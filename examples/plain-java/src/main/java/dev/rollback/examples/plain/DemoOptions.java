package dev.rollback.examples.plain;

import java.util.Locale;

/**
 * What the command line asked for. Create with {@link #parse(String[])} or {@link #defaults()}.
 *
 * @param regression which regression is injected half-way
 * @param requests   how many requests are sent at most (the run also stops after {@link #TIME_LIMIT_SECONDS})
 * @param seed       the seed of every random draw (users, latencies, failures), so that runs repeat
 * @param threads    how many worker threads send requests
 */
record DemoOptions(Regression regression, int requests, long seed, int threads) {

    /** Default {@link #regression()}: {@link Regression#ERRORS}. */
    static final Regression DEFAULT_REGRESSION = Regression.ERRORS;
    /** Default {@link #requests()}: 20,000. */
    static final int DEFAULT_REQUESTS = 20_000;
    /** Default {@link #seed()}: 42. */
    static final long DEFAULT_SEED = 42;
    /** Default {@link #threads()}: 2. */
    static final int DEFAULT_THREADS = 2;
    /** Most requests accepted, so that a run stays bounded even with a typo. */
    static final int MAXIMUM_REQUESTS = 1_000_000;
    /** Most worker threads accepted. */
    static final int MAXIMUM_THREADS = 32;
    /** The run stops after this many seconds even if not every request was sent. */
    static final int TIME_LIMIT_SECONDS = 15;

    /** The command line's usage, for {@code --help} and after a bad option. */
    static final String USAGE = String.format(Locale.ROOT, """
            usage: PlainJavaDemo [--regression=%s] [--requests=N] [--seed=N] [--threads=N]
              --regression=KIND  what goes wrong in the new path half-way (default %s):
                                   errors   its error rate jumps from %.1f%% to %.0f%%
                                   latency  it becomes %.0fx slower
              --requests=N       requests to send, 1 to %,d (default %,d); the run also stops after %d s
              --seed=N           seed of the random draws, 0 or more (default %d); the same seed repeats the run
              --threads=N        worker threads, 1 to %d (default %d)
              --help             print this and exit
            exit status: 0 if the feature was rolled back after the regression and no call failed for its
            caller, 1 if not, 2 for a bad option
            run from the repository root:
              ./mvnw -B -q -pl examples/plain-java -am process-classes -Pdemo -Dexec.args="--regression=latency"
            """, Regression.choices(), DEFAULT_REGRESSION.optionValue(),
            100 * CheckoutService.V2_ERROR_RATE, 100 * CheckoutService.V2_REGRESSED_ERROR_RATE,
            CheckoutService.V2_REGRESSED_SLOWDOWN, MAXIMUM_REQUESTS, DEFAULT_REQUESTS, TIME_LIMIT_SECONDS,
            DEFAULT_SEED, MAXIMUM_THREADS, DEFAULT_THREADS);

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    DemoOptions {
        if (regression == null) {
            throw new IllegalArgumentException("regression must not be null");
        }
        requireRange("--requests", requests, 1, MAXIMUM_REQUESTS);
        requireRange("--seed", seed, 0, Long.MAX_VALUE);
        requireRange("--threads", threads, 1, MAXIMUM_THREADS);
    }

    /**
     * Returns the options of a run without arguments.
     *
     * @return the defaults
     */
    static DemoOptions defaults() {
        return new DemoOptions(DEFAULT_REGRESSION, DEFAULT_REQUESTS, DEFAULT_SEED, DEFAULT_THREADS);
    }

    /**
     * Reads the command line. Each option is written {@code --name=value}; a later one wins over an
     * earlier one of the same name.
     *
     * @param args the arguments of {@code main}
     * @return the options
     * @throws IllegalArgumentException with a message that names the bad option and its value
     */
    static DemoOptions parse(String... args) {
        Regression regression = DEFAULT_REGRESSION;
        int requests = DEFAULT_REQUESTS;
        long seed = DEFAULT_SEED;
        int threads = DEFAULT_THREADS;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "--regression" -> regression = regression(name, value);
                case "--requests" -> requests = (int) number(name, value, 1, MAXIMUM_REQUESTS);
                case "--seed" -> seed = number(name, value, 0, Long.MAX_VALUE);
                case "--threads" -> threads = (int) number(name, value, 1, MAXIMUM_THREADS);
                default -> throw new IllegalArgumentException(name.startsWith("-")
                        ? "unknown option '" + arg + "'"
                        : "unexpected argument '" + arg + "' (options are written --name=value)");
            }
        }
        return new DemoOptions(regression, requests, seed, threads);
    }

    private static Regression regression(String name, String value) {
        requireValue(name, value, "KIND");
        try {
            return Regression.fromOptionValue(value);
        } catch (IllegalArgumentException e) {
            throw bad(name, value, "expected one of " + Regression.choices());
        }
    }

    private static String requireValue(String name, String value, String placeholder) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("option " + name + " needs a value, written " + name + "="
                    + placeholder);
        }
        return value;
    }

    private static long number(String name, String value, long min, long max) {
        requireValue(name, value, "N");
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(name, value, "not a whole number");
        }
        requireRange(name, n, min, max);
        return n;
    }

    private static void requireRange(String name, long n, long min, long max) {
        if (n < min || n > max) {
            throw bad(name, Long.toString(n), max == Long.MAX_VALUE
                    ? String.format(Locale.ROOT, "must be %,d or more", min)
                    : String.format(Locale.ROOT, "must be from %,d to %,d", min, max));
        }
    }

    private static IllegalArgumentException bad(String name, String value, String why) {
        return new IllegalArgumentException("bad value '" + value + "' for option " + name + ": " + why);
    }
}
