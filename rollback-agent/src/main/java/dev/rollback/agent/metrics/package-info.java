/**
 * The names of the agent's meters, in one place ({@link dev.rollback.agent.metrics.AgentMetricNames}).
 */
package dev.rollback.agent.metrics;
