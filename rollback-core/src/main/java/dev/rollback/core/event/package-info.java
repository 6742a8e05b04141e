/**
 * Events: rollbacks and state transitions, delivered through a typed
 * {@link dev.rollback.core.event.RollbackEventPublisher}.
 */
package dev.rollback.core.event;
