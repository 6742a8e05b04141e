/**
 * Events: rollbacks and state transitions, delivered through a typed
 * {@link dev.rollback.core.event.RollbackEventPublisher}.
 */
@NullMarked
package dev.rollback.core.event;

import org.jspecify.annotations.NullMarked;
