package dev.rollback.agent.config;

/**
 * A configuration value that cannot be used; the message names the key, the value and what is
 * expected.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the key and the value
     */
    public ConfigException(String message) {
        super(message);
    }
}
