package dev.rollback.agent.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One service the agent may revert.
 *
 * @param name        the service name, as instances report it and alerts label it
 * @param tier        the priority: a lower tier is reverted first; default {@value #DEFAULT_TIER}
 * @param cooldown    this service's cool-down, or {@code null} for the agent's
 * @param executor    how the service is reverted
 * @param healthUrls  the instances' health report URLs to poll, possibly empty
 * @param pods        the pods to poll, or {@code null}
 * @param quorum      how many instances must ask
 * @param consecutive how many polls in a row an instance must ask, or 0 for the agent's
 */
public record ServiceConfig(String name, int tier, Duration cooldown, ExecutorConfig executor, List<URI> healthUrls,
                            PodDiscovery pods, Quorum quorum, int consecutive) {

    /** Default {@link #tier()}: the middle of 0 (most critical) .. 9. */
    public static final int DEFAULT_TIER = 5;
    /** Highest tier. */
    public static final int MAX_TIER = 9;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /**
     * Checks the values.
     */
    public ServiceConfig {
        ConfigChecks.requireText("services[].name", name);
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException("services[].name: '" + name + "' is not a service name (letters, digits,"
                    + " '.', '_', '-', at most 100)");
        }
        String key = "services." + name;
        if (tier < 0 || tier > MAX_TIER) {
            throw new ConfigException(key + ".tier: " + tier + " is not a tier 0..9 (0 is reverted first)");
        }
        if (cooldown != null) {
            ConfigChecks.requireNotNegative(key + ".cooldown", cooldown);
        }
        Objects.requireNonNull(executor, key + ".executor");
        healthUrls = List.copyOf(healthUrls);
        for (URI url : healthUrls) {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new ConfigException(key + ".healthUrls: " + url + " is not an http(s) URL");
            }
        }
        Objects.requireNonNull(quorum, key + ".quorum");
        ConfigChecks.requireAtLeast(key + ".consecutive", consecutive, 0);
    }

    /**
     * A service reverted by a given executor, with every other value at its default.
     *
     * @param name     the name
     * @param tier     the tier
     * @param executor the executor
     * @return the configuration
     */
    public static ServiceConfig of(String name, int tier, ExecutorConfig executor) {
        return new ServiceConfig(name, tier, null, executor, List.of(), null, Quorum.DEFAULT, 0);
    }

    /**
     * Whether the agent polls this service's instances.
     *
     * @return {@code true} if health URLs or pods are configured
     */
    public boolean watched() {
        return !healthUrls.isEmpty() || pods != null;
    }
}
