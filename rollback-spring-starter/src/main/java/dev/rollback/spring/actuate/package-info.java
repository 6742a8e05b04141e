/**
 * Actuator support: the {@code rollback} endpoint ({@link dev.rollback.spring.actuate.RollbackEndpoint})
 * and the {@code rollback} health indicator ({@link dev.rollback.spring.actuate.RollbackHealthIndicator})
 * with its {@code ROLLBACK_REQUESTED} status.
 */
@NullMarked
package dev.rollback.spring.actuate;

import org.jspecify.annotations.NullMarked;
