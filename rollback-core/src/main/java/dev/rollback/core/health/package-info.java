/**
 * Health: the instance's {@link dev.rollback.core.health.HealthReport}, in a stable JSON format that
 * the agent reads.
 */
@NullMarked
package dev.rollback.core.health;

import org.jspecify.annotations.NullMarked;
