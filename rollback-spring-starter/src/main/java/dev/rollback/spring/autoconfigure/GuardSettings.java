package dev.rollback.spring.autoconfigure;

import java.time.Duration;

/**
 * The {@code GuardConfig} settings of {@code rollback.guard} (all set) and of
 * {@code rollback.features.<name>} (those not set are {@code null}), read by one piece of code:
 * {@link GuardConfigs}. The accessors are not bean getters, so they bind nothing.
 */
interface GuardSettings {

    Double significanceLevel();

    Double errorRateTolerance();

    Double latencyTolerance();

    Duration latencyResolution();

    Integer minimumSamples();

    Double maximumErrorRate();

    Duration maximumLatency();

    Double maximumLatencyQuantile();

    Double holdback();

    Long stickyKeysMaximumSize();

    Duration stickyKeysExpireAfterAccess();

    Duration flagErrorLogInterval();
}
