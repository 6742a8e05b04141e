/**
 * rollback: a service rolls itself back. Start at {@link dev.rollback.core.RollbackRegistry}.
 */
@NullMarked
package dev.rollback.core;

import org.jspecify.annotations.NullMarked;
