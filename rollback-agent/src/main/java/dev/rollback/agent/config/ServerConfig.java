package dev.rollback.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where the agent's HTTP server listens and how it checks callers.
 *
 * @param address          the address to bind, default {@value #DEFAULT_ADDRESS}
 * @param port             the port, 0 for any free port; default {@value #DEFAULT_PORT}
 * @param token            the bearer token that callers of the webhook and the API must send, or
 *                         {@code null} for none (only allowed with {@code insecureLoopback})
 * @param insecureLoopback whether to run without a token; only allowed on a loopback address
 * @param maxBodyBytes     the largest request body read, in bytes; default {@value #DEFAULT_MAX_BODY_BYTES}
 */
public record ServerConfig(String address, int port, String token, boolean insecureLoopback, int maxBodyBytes) {

    /** Default {@link #address()}: the loopback address, so nothing outside the host can call. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    /** Default {@link #port()}. */
    public static final int DEFAULT_PORT = 8089;
    /** Default {@link #maxBodyBytes()}: 1 MiB, far above any Alertmanager group. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Shortest token accepted, in characters. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /**
     * Checks the values; a token is required unless {@code insecureLoopback} is set and the address
     * is a loopback address.
     */
    public ServerConfig {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65_535) {
            throw new ConfigException("server.port: " + port + " is not a port; use 0..65535");
        }
        if (maxBodyBytes < 1024) {
            throw new ConfigException("server.maxBodyBytes: " + maxBodyBytes + " is too small; use at least 1024");
        }
        if (token != null && token.strip().length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException("server.token: a token of " + token.strip().length()
                    + " characters is too short; use at least " + MIN_TOKEN_LENGTH);
        }
        token = token == null ? null : token.strip();
        if (token == null) {
            if (!insecureLoopback) {
                throw new ConfigException("server.token: no bearer token is set; set server.token, server.tokenFile"
                        + " or the environment variable ROLLBACK_AGENT_TOKEN, or run open on loopback only with"
                        + " server.insecureLoopback: true (or --insecure-loopback)");
            }
            if (!isLoopback(address)) {
                throw new ConfigException("server.address: " + address + " is not a loopback address; running"
                        + " without a token (insecureLoopback) is only allowed on loopback");
            }
        }
    }

    /**
     * Returns the defaults with a token.
     *
     * @param token the bearer token
     * @return the configuration
     */
    public static ServerConfig withToken(String token) {
        return new ServerConfig(DEFAULT_ADDRESS, DEFAULT_PORT, token, false, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * Whether callers must send a bearer token.
     *
     * @return {@code true} unless running open on loopback
     */
    public boolean requiresToken() {
        return token != null;
    }

    /** Masks the token, so that a logged configuration does not leak it. */
    @Override
    public String toString() {
        return "ServerConfig[address=" + address + ", port=" + port + ", token=" + (token == null ? "none" : "***")
                + ", insecureLoopback=" + insecureLoopback + ", maxBodyBytes=" + maxBodyBytes + "]";
    }

    static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("server.address: " + address + " cannot be resolved: " + e.getMessage());
        }
    }
}
