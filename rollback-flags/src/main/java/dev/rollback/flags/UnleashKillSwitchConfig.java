package dev.rollback.flags;

import static dev.rollback.core.check.Arguments.requireBackoff;
import static dev.rollback.core.check.Arguments.requirePositive;

import java.net.URI;
import java.time.Duration;

/**
 * How {@link UnleashKillSwitch} reaches the Unleash admin API. Immutable; create with
 * {@link #custom()}. The admin URL, the token and the environment have no defaults: turning a flag
 * off in the wrong place is worse than not at all.
 *
 * <p>The token is a secret: it appears in no log line, no exception message and no
 * {@link #toString()}.
 */
public final class UnleashKillSwitchConfig {

    /** Default {@link #project()}: {@code default}. */
    public static final String DEFAULT_PROJECT = "default";
    /** Default {@link #requestTimeout()}: 5 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #maxAttempts()}: 6. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** Default {@link #initialBackoff()}: 500 ms. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    /** Default {@link #maxBackoff()}: 30 seconds. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    private final URI adminUrl;
    private final String token;
    private final String project;
    private final String environment;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private UnleashKillSwitchConfig(Builder b) {
        this.adminUrl = b.adminUrl;
        this.token = b.token;
        this.project = b.project;
        this.environment = b.environment;
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * The Unleash server's base URL, e.g. {@code https://unleash.example.com}; the admin API is under
     * {@code /api/admin}.
     *
     * @return the URL
     */
    public URI adminUrl() {
        return adminUrl;
    }

    /**
     * The admin API token (an admin token, or a personal access token allowed to change the flag).
     *
     * @return the token
     */
    String token() {
        return token;
    }

    /**
     * The Unleash project the flags are in.
     *
     * @return the project
     */
    public String project() {
        return project;
    }

    /**
     * The Unleash environment whose flags are turned off, e.g. {@code production}.
     *
     * @return the environment
     */
    public String environment() {
        return environment;
    }

    /**
     * How long one request may take before it counts as timed out (and is retried).
     *
     * @return the timeout
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How many times a request is tried in all when the server answers 5xx or times out.
     *
     * @return at least 1
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The pause after the first failed attempt; doubled after each further one.
     *
     * @return the pause
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * The longest pause between attempts.
     *
     * @return the pause
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    @Override
    public String toString() {
        return "UnleashKillSwitchConfig{adminUrl=" + adminUrl + ", token=****, project=" + project
                + ", environment=" + environment + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + '}';
    }

    /**
     * Builds an {@link UnleashKillSwitchConfig}. Not thread-safe.
     */
    public static final class Builder {

        private URI adminUrl;
        private String token;
        private String project = DEFAULT_PROJECT;
        private String environment;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

        private Builder() {
        }

        /**
         * Sets {@link UnleashKillSwitchConfig#adminUrl()}. Required.
         *
         * @param url an absolute http or https URL
         * @return this builder
         */
        public Builder adminUrl(String url) {
            URI uri;
            try {
                uri = url == null ? null : URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("adminUrl must be an absolute http or https URL, was '" + url + "'", e);
            }
            if (uri == null || uri.getHost() == null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException("adminUrl must be an absolute http or https URL, was "
                        + (url == null ? "null" : "'" + url + "'"));
            }
            this.adminUrl = uri;
            return this;
        }

        /**
         * Sets the admin API token. Required.
         *
         * @param token the token, not blank
         * @return this builder
         */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("token must not be null or blank");
            }
            String stripped = token.strip();
            // What an HTTP header cannot carry; the message must not show the secret.
            if (stripped.chars().anyMatch(c -> c > 0xFF || c == 0x7F || (c < 0x20 && c != '\t'))) {
                throw new IllegalArgumentException("token must hold only printable Latin-1 characters (it is sent"
                        + " as an HTTP header); the given token has a control or non-Latin-1 character");
            }
            this.token = stripped;
            return this;
        }

        /**
         * Sets {@link UnleashKillSwitchConfig#project()}. Default {@value #DEFAULT_PROJECT}.
         *
         * @param project the project, not blank
         * @return this builder
         */
        public Builder project(String project) {
            this.project = requireName("project", project);
            return this;
        }

        /**
         * Sets {@link UnleashKillSwitchConfig#environment()}. Required.
         *
         * @param environment the environment, not blank
         * @return this builder
         */
        public Builder environment(String environment) {
            this.environment = requireName("environment", environment);
            return this;
        }

        /**
         * Sets {@link UnleashKillSwitchConfig#requestTimeout()}. Default 5 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = requirePositive("requestTimeout", timeout);
            return this;
        }

        /**
         * Sets {@link UnleashKillSwitchConfig#maxAttempts()}. Default 6.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Sets the pauses between attempts. Default 500 ms, doubled up to 30 s.
         *
         * @param initial a positive duration
         * @param maximum at least {@code initial}
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration maximum) {
            requireBackoff("initialBackoff", initial, "maxBackoff", maximum);
            this.initialBackoff = initial;
            this.maxBackoff = maximum;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalStateException naming what is missing: admin URL, token or environment
         */
        public UnleashKillSwitchConfig build() {
            if (adminUrl == null) {
                throw new IllegalStateException("adminUrl is required: the Unleash server's base URL");
            }
            if (token == null) {
                throw new IllegalStateException("token is required: an Unleash admin API token");
            }
            if (environment == null) {
                throw new IllegalStateException("environment is required: the Unleash environment whose flags to turn off");
            }
            return new UnleashKillSwitchConfig(this);
        }

        private static String requireName(String what, String value) {
            if (value == null || value.isBlank() || !value.equals(value.strip()) || value.contains("/")) {
                throw new IllegalArgumentException(what + " must be a name without '/' or surrounding blanks, was "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            return value;
        }
    }
}
