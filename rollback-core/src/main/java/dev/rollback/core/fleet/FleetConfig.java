package dev.rollback.core.fleet;

import dev.rollback.core.check.Arguments;
import java.time.Duration;

/**
 * How an instance takes part in the fleet judge. Immutable; create with {@link #custom()} or
 * {@link #ofDefaults()}. What the fleet judge tests, and at which significance level, comes from each
 * feature's {@link dev.rollback.core.guard.GuardConfig}.
 */
public final class FleetConfig {

    /** Default {@link #publishInterval()}: 1 s. */
    public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(1);
    /** Default {@link #staleAfter()}: 30 s. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);
    /** Default {@link #maximumPendingBlocks()}: 10,000. */
    public static final int DEFAULT_MAXIMUM_PENDING_BLOCKS = 10_000;

    private static final FleetConfig DEFAULTS = custom().build();

    private final Duration publishInterval;
    private final Duration staleAfter;
    private final int maximumPendingBlocks;

    private FleetConfig(Builder b) {
        this.publishInterval = b.publishInterval;
        this.staleAfter = b.staleAfter;
        this.maximumPendingBlocks = b.maximumPendingBlocks;
    }

    /**
     * Returns the defaults.
     *
     * @return the configuration
     */
    public static FleetConfig ofDefaults() {
        return DEFAULTS;
    }

    /**
     * Returns a builder starting from the defaults.
     *
     * @return the builder
     */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Returns how long a time block lasts: how often the instance publishes its blocks and its heartbeat
     * and reads the fleet's. Default 1 s.
     *
     * @return the interval
     */
    public Duration publishInterval() {
        return publishInterval;
    }

    /**
     * Returns how old an instance's last heartbeat may be, on the reader's clock, before the instance
     * counts as gone. Default 30 s: far above a publish interval plus a few seconds of clock skew.
     *
     * @return the age
     */
    public Duration staleAfter() {
        return staleAfter;
    }

    /**
     * Returns how many blocks wait, at most, while the store cannot be reached; beyond, the oldest are
     * dropped and counted. Default 10,000.
     *
     * @return the number of blocks
     */
    public int maximumPendingBlocks() {
        return maximumPendingBlocks;
    }

    @Override
    public String toString() {
        return "FleetConfig{publishInterval=" + publishInterval + ", staleAfter=" + staleAfter
                + ", maximumPendingBlocks=" + maximumPendingBlocks + '}';
    }

    /** Builds a {@link FleetConfig}. */
    public static final class Builder {

        private Duration publishInterval = DEFAULT_PUBLISH_INTERVAL;
        private Duration staleAfter = DEFAULT_STALE_AFTER;
        private int maximumPendingBlocks = DEFAULT_MAXIMUM_PENDING_BLOCKS;

        private Builder() {
        }

        /**
         * Sets {@link FleetConfig#publishInterval()}. Default 1 s.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder publishInterval(Duration interval) {
            this.publishInterval = Arguments.requirePositive("publishInterval", interval);
            return this;
        }

        /**
         * Sets {@link FleetConfig#staleAfter()}. Default 30 s.
         *
         * @param age a positive duration
         * @return this builder
         */
        public Builder staleAfter(Duration age) {
            this.staleAfter = Arguments.requirePositive("staleAfter", age);
            return this;
        }

        /**
         * Sets {@link FleetConfig#maximumPendingBlocks()}. Default 10,000.
         *
         * @param blocks at least 1
         * @return this builder
         */
        public Builder maximumPendingBlocks(int blocks) {
            if (blocks < 1) {
                throw new IllegalArgumentException("maximumPendingBlocks must be at least 1, was " + blocks);
            }
            this.maximumPendingBlocks = blocks;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if {@code staleAfter} is not longer than {@code publishInterval}
         */
        public FleetConfig build() {
            if (staleAfter.compareTo(publishInterval) <= 0) {
                throw new IllegalArgumentException("staleAfter (" + staleAfter + ") must be longer than publishInterval ("
                        + publishInterval + "), or every instance would count as gone between two heartbeats");
            }
            return new FleetConfig(this);
        }
    }
}
