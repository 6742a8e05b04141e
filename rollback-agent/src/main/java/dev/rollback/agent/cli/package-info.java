/**
 * The agent's command line (picocli): {@code run} and {@code validate-config}.
 */
@NullMarked
package dev.rollback.agent.cli;

import org.jspecify.annotations.NullMarked;
