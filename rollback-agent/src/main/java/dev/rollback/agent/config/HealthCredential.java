package dev.rollback.agent.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The credential the agent sends when it reads instances' health reports, for a report behind
 * Spring Security or a proxy: a bearer token or a user name and password (HTTP basic). The secret is
 * read from a file or an environment variable when the configuration is loaded, and never appears in
 * {@link #toString()} or a log line.
 *
 * @param username the user name for HTTP basic, or {@code null} for a bearer token
 * @param secret   the bearer token, or the password for HTTP basic
 */
public record HealthCredential(String username, String secret) {

    /**
     * Checks the values.
     */
    public HealthCredential {
        if (username != null && (username.isBlank() || username.contains(":"))) {
            throw new ConfigException("watch.credential.username: '" + username + "' is empty or contains ':'");
        }
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank()) {
            throw new ConfigException("watch.credential: the " + (username == null ? "bearer token" : "password")
                    + " is empty");
        }
    }

    /**
     * A bearer token.
     *
     * @param token the token
     * @return the credential
     */
    public static HealthCredential bearer(String token) {
        return new HealthCredential(null, token);
    }

    /**
     * A user name and password, sent as HTTP basic.
     *
     * @param username the user name
     * @param password the password
     * @return the credential
     */
    public static HealthCredential basic(String username, String password) {
        return new HealthCredential(Objects.requireNonNull(username, "username"), password);
    }

    /**
     * Returns the value of the {@code Authorization} header.
     *
     * @return {@code Bearer TOKEN} or {@code Basic BASE64(user:password)}
     */
    public String authorization() {
        return username == null ? "Bearer " + secret : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Names the kind and the user, never the secret. */
    @Override
    public String toString() {
        return username == null ? "bearer ***" : "basic " + username + ":***";
    }
}
