package dev.rollback.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The health contract between the service and the agent, as recorded from the Spring Boot
 * starter's real {@code GET /actuator/rollback}: one body per status the report can have, with the
 * HTTP status it is served with. The starter's tests check that it still answers exactly these
 * bodies (times aside); the agent's tests run its fetcher and parser on them. Changing what the
 * starter serves thus fails the starter's tests until the recording is renewed, and then the agent's
 * tests read the new one.
 *
 * <p>The recorded application: service {@value #SERVICE}, version {@value #VERSION}, instance
 * {@value #INSTANCE}, the feature {@value #WITH_OLD_PATH} (with an old path) and
 * {@value #WITHOUT_OLD_PATH} (without one), rolled back by hand for {@link #DEGRADED} and
 * {@link #ROLLBACK_REQUESTED}. To renew the recording, run the starter's {@code HealthContractTest}
 * with {@code -D}{@value #RECORD_PROPERTY}{@code =<this module>/src/main/resources/health-contract}.
 */
public enum HealthContract {

    /** No feature rolled back: 200. */
    UP(200),
    /** A feature with an old path rolled back: the instance is fine, 200. */
    DEGRADED(200),
    /** A feature without an old path rolled back: the instance asks to be reverted, 503. */
    ROLLBACK_REQUESTED(503);

    /** The recorded service's name. */
    public static final String SERVICE = "checkout";
    /** The recorded service's version. */
    public static final String VERSION = "1.4.0";
    /** The recorded instance's id. */
    public static final String INSTANCE = "checkout-contract-1";
    /** The recorded feature with an old path. */
    public static final String WITH_OLD_PATH = "checkout-v2";
    /** The recorded feature without an old path. */
    public static final String WITHOUT_OLD_PATH = "receipt-v2";
    /** The system property naming a directory to write a new recording to. */
    public static final String RECORD_PROPERTY = "rollback.health-contract.record";

    private static final Pattern INSTANT = Pattern.compile("\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\"");

    private final int httpStatus;

    HealthContract(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /**
     * Returns the HTTP status the report is served with.
     *
     * @return 200 or 503
     */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Returns the file name of the recorded body.
     *
     * @return e.g. {@code rollback_requested.json}
     */
    public String fileName() {
        return name().toLowerCase(java.util.Locale.ROOT) + ".json";
    }

    /**
     * Returns the recorded body.
     *
     * @return the JSON text as the starter served it
     */
    public String body() {
        String resource = "/health-contract/" + fileName();
        try (InputStream in = HealthContract.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces every ISO-8601 instant by {@code "<time>"}, so that two answers made at different
     * times compare equal when nothing else differs.
     *
     * @param json a JSON text
     * @return the text without its times
     */
    public static String withoutTimes(String json) {
        return INSTANT.matcher(json.strip()).replaceAll("\"<time>\"");
    }
}
