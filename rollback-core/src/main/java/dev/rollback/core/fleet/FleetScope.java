package dev.rollback.core.fleet;

import dev.rollback.core.check.Arguments;

/**
 * What one fleet judge pools: the instances of one service that run one version of it. Blocks,
 * heartbeats and verdicts of a {@link FleetStore} all belong to a scope; an instance's scope is its
 * registry's {@code service()} and {@code version()}, fixed before it forms a single pair. See the
 * package documentation for why the version, and what a re-deploy with the same version means.
 *
 * @param service the service name
 * @param version the service version
 */
public record FleetScope(String service, String version) {

    /**
     * Checks both are given.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public FleetScope {
        Arguments.requireText("service", service);
        Arguments.requireText("version", version);
    }

    @Override
    public String toString() {
        return service + ' ' + version;
    }
}
