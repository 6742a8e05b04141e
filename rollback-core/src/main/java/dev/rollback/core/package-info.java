/**
 * rollback: a service rolls itself back. Start at {@link dev.rollback.core.RollbackRegistry}.
 */
package dev.rollback.core;
