/**
 * The release guard: {@link dev.rollback.core.guard.ReleaseGuard} runs a feature's new path behind a
 * flag and a circuit breaker, falls back to the old path, and is configured by
 * {@link dev.rollback.core.guard.GuardConfig}; {@link dev.rollback.core.guard.RunningPath} tells code below a
 * path which path of which feature runs.
 */
@NullMarked
package dev.rollback.core.guard;

import org.jspecify.annotations.NullMarked;
