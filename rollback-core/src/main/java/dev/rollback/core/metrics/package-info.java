/**
 * Metrics: the names of the Micrometer meters the library registers.
 */
@NullMarked
package dev.rollback.core.metrics;

import org.jspecify.annotations.NullMarked;
