package dev.rollback.agent.config;

/**
 * A JDBC database: the agent's request store, or the ledger.
 *
 * @param url      the JDBC URL, H2 or PostgreSQL; the store defaults to {@value #DEFAULT_STORE_URL}
 * @param username the user, may be empty
 * @param password the password, may be empty
 */
public record DatabaseConfig(String url, String username, String password) {

    /**
     * Default store URL: an H2 file in the working directory. {@code AUTO_SERVER} is off: one agent
     * owns its store.
     */
    public static final String DEFAULT_STORE_URL = "jdbc:h2:file:./rollback-agent-store;DB_CLOSE_ON_EXIT=FALSE";

    /** The default store. */
    public static final DatabaseConfig DEFAULT_STORE = new DatabaseConfig(DEFAULT_STORE_URL, "", "");

    /**
     * Checks that the URL is an H2 or PostgreSQL JDBC URL.
     */
    public DatabaseConfig {
        ConfigChecks.requireText("url", url);
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("url: " + url + " is neither an H2 (jdbc:h2:...) nor a PostgreSQL"
                    + " (jdbc:postgresql:...) JDBC URL");
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", username=" + username + ", password=***]";
    }
}
