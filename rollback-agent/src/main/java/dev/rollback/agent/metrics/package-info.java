/**
 * The names of the agent's meters, in one place ({@link dev.rollback.agent.metrics.AgentMetricNames}).
 */
@NullMarked
package dev.rollback.agent.metrics;

import org.jspecify.annotations.NullMarked;
