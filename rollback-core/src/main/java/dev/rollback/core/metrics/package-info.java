/**
 * Metrics: the names of the Micrometer meters the library registers.
 */
package dev.rollback.core.metrics;
