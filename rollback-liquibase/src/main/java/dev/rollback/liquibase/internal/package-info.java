/**
 * The implementation: the engine and its phase table, the per-kind steps, the PostgreSQL and H2
 * dialects and H2's trigger classes. Not for users.
 */
@NullMarked
package dev.rollback.liquibase.internal;

import org.jspecify.annotations.NullMarked;
