/**
 * Executors carry out reverts: {@link dev.rollback.agent.execute.RevertExecutor} is the SPI,
 * {@link dev.rollback.agent.execute.CommandRevertExecutor} runs a configured command; the
 * Kubernetes executor is in {@code dev.rollback.agent.kubernetes}.
 */
@NullMarked
package dev.rollback.agent.execute;

import org.jspecify.annotations.NullMarked;
