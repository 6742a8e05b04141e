package dev.rollback.core;

import dev.rollback.core.fleet.Fleet;
import dev.rollback.core.fleet.FleetConfig;
import dev.rollback.core.fleet.FleetStore;
import dev.rollback.core.internal.DefaultFleet;

/**
 * Makes a registry's instance take part in the fleet judge (see {@link dev.rollback.core.fleet}).
 *
 * <pre>{@code
 * try (Fleet fleet = RollbackFleet.join(registry, new JdbcFleetStore(dataSource), FleetConfig.ofDefaults())) {
 *     ...
 * }
 * }</pre>
 */
public final class RollbackFleet {

    private RollbackFleet() {
    }

    /**
     * Joins the fleet with a thread of its own, which publishes and judges every
     * {@link FleetConfig#publishInterval()} until the member is closed.
     *
     * @param registry the instance's registry; its meter registry's clock is the only time read
     * @param store    the store the fleet shares
     * @param config   the configuration
     * @return the member
     */
    public static Fleet join(RollbackRegistry registry, FleetStore store, FleetConfig config) {
        return new DefaultFleet(registry, store, config).start();
    }

    /**
     * Joins the fleet without a thread: the caller calls {@link Fleet#runOnce()} every publish interval
     * (a test or simulation in virtual time).
     *
     * @param registry the instance's registry
     * @param store    the store the fleet shares
     * @param config   the configuration
     * @return the member
     */
    public static Fleet create(RollbackRegistry registry, FleetStore store, FleetConfig config) {
        return new DefaultFleet(registry, store, config);
    }
}
