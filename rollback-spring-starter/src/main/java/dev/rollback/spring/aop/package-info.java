/**
 * How {@link dev.rollback.spring.Rollbackable} methods are guarded: a post-processor that checks them
 * at start-up and proxies their beans, and the interceptor that runs each call through the feature's
 * guard.
 */
@NullMarked
package dev.rollback.spring.aop;

import org.jspecify.annotations.NullMarked;
