/**
 * Revert requests and the store that keeps the queue across restarts.
 *
 * <p>A request moves {@code QUEUED → RUNNING → SUCCEEDED | FAILED | SKIPPED | DRY_RUN}, or
 * {@code QUEUED → CANCELLED}. What a running request will do (its plan) is kept in the store before
 * anything is changed, so that a request interrupted by a crash is finished after the restart by
 * the same plan, not by a new one.
 */
@NullMarked
package dev.rollback.agent.request;

import org.jspecify.annotations.NullMarked;
