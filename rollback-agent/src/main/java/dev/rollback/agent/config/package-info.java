/**
 * The agent's configuration: immutable records with their defaults as {@code DEFAULT_*} constants,
 * checked when built, and {@link dev.rollback.agent.config.ConfigLoader}, which reads them from a
 * YAML file and names the key and the value of anything wrong.
 */
@NullMarked
package dev.rollback.agent.config;

import org.jspecify.annotations.NullMarked;
