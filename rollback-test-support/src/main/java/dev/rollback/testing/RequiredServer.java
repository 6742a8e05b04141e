package dev.rollback.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule for tests against a real server (PostgreSQL, Unleash, ...): when the server cannot be
 * reached the tests are skipped, unless the system property {@value #REQUIRED_PROPERTY} is
 * {@code true} (as {@code .ci/run} sets it), in which case they fail. So a developer without the
 * servers gets a green build that says what it skipped, and CI can never pass by skipping.
 *
 * <p>Each server is probed once per JVM, the first time it is asked about (keyed by its
 * description), so a class of tests does not wait for a connection timeout per test.
 *
 * <p>Skip from {@code @BeforeEach} with {@link #assumeReachable}, not from {@code @BeforeAll}:
 * Surefire reports a class aborted in {@code @BeforeAll} as "Tests run: 0" and drops the message,
 * while tests skipped one by one are counted as skipped, with the message in the report. A
 * {@code @BeforeAll} that prepares the server can ask {@link #isReachable} and do nothing when it
 * is not.
 */
public final class RequiredServer {

    /** The system property that turns an unreachable server from a skip into a failure. */
    public static final String REQUIRED_PROPERTY = "rollback.it.required";

    private static final Logger LOG = LoggerFactory.getLogger(RequiredServer.class);
    /** Per server description: empty if reachable, else why not. */
    private static final Map<String, Optional<String>> PROBED = new ConcurrentHashMap<>();

    private RequiredServer() {
    }

    /**
     * Something that reaches the server, e.g. opens a connection and runs {@code select 1}.
     */
    @FunctionalInterface
    public interface Probe {

        /**
         * Reaches the server.
         *
         * @throws Exception if the server cannot be reached
         */
        void run() throws Exception;
    }

    /**
     * Skips the test if the server cannot be reached, or fails it if servers are
     * {@linkplain #isRequired() required}.
     *
     * @param what       the server and where, e.g. {@code PostgreSQL at jdbc:postgresql://127.0.0.1:5432/appdb}
     * @param howToStart what a developer runs to start it, e.g. {@code sudo .ci/start-postgres.sh}
     * @param probe      reaches the server; run only the first time this server is asked about
     */
    public static void assumeReachable(String what, String howToStart, Probe probe) {
        if (!isReachable(what, howToStart, probe)) {
            abort(skipMessage(what, howToStart, PROBED.get(what).orElseThrow()));
        }
    }

    /**
     * Returns whether the server can be reached, and fails the test if it cannot and servers are
     * {@linkplain #isRequired() required}.
     *
     * @param what       the server and where, e.g. {@code PostgreSQL at jdbc:postgresql://127.0.0.1:5432/appdb}
     * @param howToStart what a developer runs to start it, e.g. {@code sudo .ci/start-postgres.sh}
     * @param probe      reaches the server; run only the first time this server is asked about
     * @return whether the server can be reached
     */
    public static boolean isReachable(String what, String howToStart, Probe probe) {
        Optional<String> whyNot = PROBED.computeIfAbsent(what, server -> probe(server, howToStart, probe));
        if (whyNot.isPresent() && isRequired()) {
            fail(what + " is required (" + REQUIRED_PROPERTY + "=true) but not reachable: " + whyNot.get()
                    + " Start it with: " + howToStart);
        }
        return whyNot.isEmpty();
    }

    /**
     * Returns whether servers are required, i.e. system property {@value #REQUIRED_PROPERTY} is {@code true}.
     *
     * @return whether an unreachable server fails the tests instead of skipping them
     */
    public static boolean isRequired() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    /**
     * Returns a setting for a server test: the system property if set, else the environment
     * variable if set, else the default.
     *
     * @param property     the system property, e.g. {@code rollback.pg.url}
     * @param environment  the environment variable, e.g. {@code ROLLBACK_PG_URL}
     * @param defaultValue the value when neither is set
     * @return the setting
     */
    public static String setting(String property, String environment, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? defaultValue : value;
    }

    private static Optional<String> probe(String what, String howToStart, Probe probe) {
        try {
            probe.run();
            return Optional.empty();
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage()).strip();
            String why = e.getClass().getSimpleName() + ": " + message + (message.endsWith(".") ? "" : ".");
            if (!isRequired()) {
                // Surefire prints nothing for skipped tests; this line on stderr is what a developer sees.
                LOG.warn(skipMessage(what, howToStart, why));
            }
            return Optional.of(why);
        }
    }

    private static String skipMessage(String what, String howToStart, String why) {
        return what + " is not reachable, so its tests are skipped: " + why + " Start it with: " + howToStart
                + " (or run with -D" + REQUIRED_PROPERTY + "=true to fail instead of skipping)";
    }
}
