package dev.rollback.examples.checkout.demo;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What the demo's command line asked for. Create with {@link #parse(Path, String...)}.
 *
 * @param regression      what goes wrong in the new path at {@code onsetSeconds}
 * @param errorRate       with {@link Regression#ERRORS}: the share of new-path calls that throw, above 0 and at most 1
 * @param addedLatencyMs  with {@link Regression#LATENCY}: milliseconds added to every new-path call
 * @param rate            requests per second the client sends, in total
 * @param durationSeconds how long the client sends traffic
 * @param rolloutAtSeconds when the new path is switched on for {@code rolloutPercent} of the users
 * @param onsetSeconds    when the regression is injected
 * @param rolloutPercent  the share of users that get the new path
 * @param users           how many distinct users place orders
 * @param threads         client threads sending requests
 * @param port            the service's port on 127.0.0.1, or 0 for a free one
 * @param flags           where the service keeps its flags
 * @param seed            seed of the client's random draws (which user orders what)
 * @param reportDirectory where {@code report.html} is written
 * @param scenario        which reflex is shown; {@link Scenario#INSTANCE} uses only {@code reportDirectory}
 * @param instances       how many instances of the service share the ledger's database and the traffic (fleet evidence)
 */
record DemoOptions(Regression regression, double errorRate, int addedLatencyMs, int rate, int durationSeconds,
                   int rolloutAtSeconds, int onsetSeconds, int rolloutPercent, int users, int threads, int port,
                   FlagMode flags, long seed, Path reportDirectory, Scenario scenario, int instances) {

    static final Regression DEFAULT_REGRESSION = Regression.ERRORS;
    static final double DEFAULT_ERROR_RATE = 0.10;
    static final int DEFAULT_ADDED_LATENCY_MS = 40;
    static final int DEFAULT_RATE = 150;
    static final int MAXIMUM_RATE = 1_000;
    static final int DEFAULT_DURATION_SECONDS = 40;
    static final int MAXIMUM_DURATION_SECONDS = 300;
    static final int DEFAULT_ROLLOUT_AT_SECONDS = 4;
    static final int DEFAULT_ONSET_SECONDS = 16;
    static final int DEFAULT_ROLLOUT_PERCENT = 50;
    static final int DEFAULT_USERS = 2_000;
    static final int DEFAULT_THREADS = 8;
    static final int MAXIMUM_THREADS = 64;
    static final FlagMode DEFAULT_FLAGS = FlagMode.MEMORY;
    static final long DEFAULT_SEED = 42;
    static final Scenario DEFAULT_SCENARIO = Scenario.CHECKOUT;
    static final int DEFAULT_INSTANCES = 1;
    static final int MAXIMUM_INSTANCES = 8;

    /** The usage text, for {@code --help} and after a bad option. */
    static final String USAGE = String.format(Locale.ROOT, """
            usage: CheckoutDemo [--regression=%s] [--error-rate=P] [--added-latency=MS] [--rate=N]
                                [--duration=S] [--onset=S] [--rollout=PERCENT] [--port=N] [--flags=%s] ...
                   CheckoutDemo --scenario=instance [--report=DIR]
              --scenario=NAME      which reflex (%s, default %s):
                                     checkout  the feature reflex: checkout-v2 rolled back in the service,
                                               no order fails (every option below applies)
                                     instance  the instance reflex: release 2's quote-v2 (no old path) fails,
                                               the instance asks to be reverted, the rollback agent brings
                                               back release 1 (needs the agent's jar; see the README)
              --regression=KIND    what goes wrong in the new checkout path (default %s):
                                     errors   a share of its calls throw (--error-rate)
                                     latency  each call takes longer (--added-latency)
              --error-rate=P       share of new-path calls that fail, above 0 and at most 1 (default %.2f)
              --added-latency=MS   milliseconds added to each new-path call, 1 to 5000 (default %d)
              --rate=N             requests per second, 1 to %,d (default %d)
              --duration=S         seconds of traffic, 10 to %d (default %d)
              --rollout-at=S       when the new path is switched on, 0 or more, before the onset (default %d)
              --onset=S            when the regression is injected, before the end (default %d)
              --rollout=PERCENT    share of users on the new path, 1 to 100 (default %d)
              --users=N            distinct users, 1 to 1,000,000 (default %,d)
              --threads=N          client threads, 1 to %d (default %d)
              --port=N             the service's port on 127.0.0.1, 1 to 65535, or 0 for a free one (default 0)
              --flags=MODE         memory: in-memory flags on H2 (default); unleash: PostgreSQL and the Unleash
                                   server on 127.0.0.1 (see the README for their settings); openfeature:
                                   flagd in-process on a flag file in the report directory, on H2
              --seed=N             seed of the client's random draws, 0 or more (default %d)
              --instances=N        instances of the service, 1 to %d (default %d); with more than one they share the
                                   ledger's database and the traffic, and a fleet verdict rolls the feature back on all
              --report=DIR         where report.html goes (default target/rollback-demo of this module)
              --help               print this and exit
            exit status: 0 if the feature was rolled back after the regression and no request failed for
            the client (instance: if release 1 served after the agent's revert, and only release 1); 1 if
            not; 2 for a bad option, a port in use, or a server or program the demo needs that is missing
            """, OptionValue.choices(Regression.values()), OptionValue.choices(FlagMode.values()),
            OptionValue.choices(Scenario.values()), DEFAULT_SCENARIO.optionValue(), DEFAULT_REGRESSION.optionValue(),
            DEFAULT_ERROR_RATE, DEFAULT_ADDED_LATENCY_MS, MAXIMUM_RATE, DEFAULT_RATE, MAXIMUM_DURATION_SECONDS, DEFAULT_DURATION_SECONDS,
            DEFAULT_ROLLOUT_AT_SECONDS, DEFAULT_ONSET_SECONDS, DEFAULT_ROLLOUT_PERCENT, DEFAULT_USERS,
            MAXIMUM_THREADS, DEFAULT_THREADS, DEFAULT_SEED, MAXIMUM_INSTANCES, DEFAULT_INSTANCES);

    /**
     * Checks every component, and that the rollout comes before the onset and the onset before the end.
     *
     * @throws IllegalArgumentException naming the bad option and its value
     */
    DemoOptions {
        if (regression == null || flags == null || reportDirectory == null || scenario == null) {
            throw new IllegalArgumentException("regression, flags, reportDirectory and scenario must not be null");
        }
        if (!(errorRate > 0 && errorRate <= 1)) {
            throw bad("--error-rate", format(errorRate), "must be above 0 and at most 1");
        }
        requireRange("--added-latency", addedLatencyMs, 1, 5_000);
        requireRange("--rate", rate, 1, MAXIMUM_RATE);
        requireRange("--duration", durationSeconds, 10, MAXIMUM_DURATION_SECONDS);
        requireRange("--rollout-at", rolloutAtSeconds, 0, durationSeconds);
        requireRange("--rollout", rolloutPercent, 1, 100);
        requireRange("--users", users, 1, 1_000_000);
        requireRange("--threads", threads, 1, MAXIMUM_THREADS);
        requireRange("--port", port, 0, 65_535);
        requireRange("--seed", seed, 0, Long.MAX_VALUE);
        requireRange("--instances", instances, 1, MAXIMUM_INSTANCES);
        if (instances > 1 && flags == FlagMode.OPENFEATURE) {
            // The instances share one JVM, and the example's OpenFeature client lives in the API's global state.
            throw bad("--instances", Integer.toString(instances), "must be 1 with --flags=openfeature");
        }
        if (onsetSeconds <= rolloutAtSeconds || onsetSeconds >= durationSeconds) {
            throw bad("--onset", Integer.toString(onsetSeconds), "must be after --rollout-at=" + rolloutAtSeconds
                    + " and before --duration=" + durationSeconds);
        }
    }

    /**
     * Reads the command line; each option is written {@code --name=value}, a later one wins.
     *
     * @param defaultReportDirectory where the report goes unless {@code --report} says otherwise
     * @param args                   the arguments of {@code main}
     * @return the options
     * @throws IllegalArgumentException naming the bad option and its value
     */
    static DemoOptions parse(Path defaultReportDirectory, String... args) {
        Regression regression = DEFAULT_REGRESSION;
        double errorRate = DEFAULT_ERROR_RATE;
        int addedLatency = DEFAULT_ADDED_LATENCY_MS;
        int rate = DEFAULT_RATE;
        int duration = DEFAULT_DURATION_SECONDS;
        int rolloutAt = DEFAULT_ROLLOUT_AT_SECONDS;
        int onset = DEFAULT_ONSET_SECONDS;
        int rollout = DEFAULT_ROLLOUT_PERCENT;
        int users = DEFAULT_USERS;
        int threads = DEFAULT_THREADS;
        int port = 0;
        FlagMode flags = DEFAULT_FLAGS;
        long seed = DEFAULT_SEED;
        Path report = defaultReportDirectory;
        Scenario scenario = DEFAULT_SCENARIO;
        int instances = DEFAULT_INSTANCES;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "--regression" -> regression = choice(name, value, Regression.values(), "regression kind");
                case "--error-rate" -> errorRate = decimal(name, value);
                case "--added-latency" -> addedLatency = (int) number(name, value);
                case "--rate" -> rate = (int) number(name, value);
                case "--duration" -> duration = (int) number(name, value);
                case "--rollout-at" -> rolloutAt = (int) number(name, value);
                case "--onset" -> onset = (int) number(name, value);
                case "--rollout" -> rollout = (int) number(name, value);
                case "--users" -> users = (int) number(name, value);
                case "--threads" -> threads = (int) number(name, value);
                case "--port" -> port = (int) number(name, value);
                case "--flags" -> flags = choice(name, value, FlagMode.values(), "flag mode");
                case "--seed" -> seed = number(name, value);
                case "--report" -> report = Path.of(requireValue(name, value, "DIR"));
                case "--scenario" -> scenario = choice(name, value, Scenario.values(), "scenario");
                case "--instances" -> instances = (int) number(name, value);
                default -> throw new IllegalArgumentException(name.startsWith("-")
                        ? "unknown option '" + arg + "' (--help lists them)"
                        : "unexpected argument '" + arg + "' (options are written --name=value)");
            }
        }
        return new DemoOptions(regression, errorRate, addedLatency, rate, duration, rolloutAt, onset, rollout,
                users, threads, port, flags, seed, report, scenario, instances);
    }

    /**
     * Returns the regression in words, e.g. {@code errors: 10% of new-path calls fail}.
     *
     * @return the regression this run injects
     */
    String describeRegression() {
        return switch (regression) {
            case ERRORS -> String.format(Locale.ROOT, "errors: %s%% of new-path calls fail", format(100 * errorRate));
            case LATENCY -> String.format(Locale.ROOT, "latency: +%d ms on every new-path call", addedLatencyMs);
        };
    }

    private static <E extends OptionValue> E choice(String name, String value, E[] values, String what) {
        requireValue(name, value, "KIND");
        try {
            return OptionValue.parse(values, what, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option " + name + "=" + value + ": " + e.getMessage(), e);
        }
    }

    private static String requireValue(String name, String value, String placeholder) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("option " + name + " needs a value, written " + name + "=" + placeholder);
        }
        return value;
    }

    private static long number(String name, String value) {
        requireValue(name, value, "N");
        try {
            long n = Long.parseLong(value.replace("_", ""));
            if (n > Integer.MAX_VALUE && !"--seed".equals(name)) {
                throw bad(name, value, "is too large");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(name, value, "is not a whole number");
        }
    }

    private static double decimal(String name, String value) {
        requireValue(name, value, "P");
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw bad(name, value, "is not a number");
        }
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw bad(name, Long.toString(value), "must be between " + min + " and " + max);
        }
    }

    private static IllegalArgumentException bad(String name, String value, String why) {
        return new IllegalArgumentException("option " + name + "=" + value + " " + why);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
