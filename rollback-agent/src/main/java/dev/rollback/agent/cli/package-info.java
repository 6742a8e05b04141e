/**
 * The agent's command line (picocli): {@code run} and {@code validate-config}.
 */
package dev.rollback.agent.cli;
