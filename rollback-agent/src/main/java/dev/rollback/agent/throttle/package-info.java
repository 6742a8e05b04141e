/**
 * The scheduler that throttles reverts across the fleet: at most N in flight, lower tier first, one
 * per service at a time, a cool-down per service, the queue in the request store, and one ledger
 * record per revert.
 */
@NullMarked
package dev.rollback.agent.throttle;

import org.jspecify.annotations.NullMarked;
