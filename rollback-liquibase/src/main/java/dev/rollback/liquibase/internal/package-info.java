/**
 * The implementation: the engine and its phase table, the per-kind steps, the PostgreSQL and H2
 * dialects and H2's trigger classes. Not for users.
 */
package dev.rollback.liquibase.internal;
