/**
 * Argument checks shared by the library's builders.
 */
@NullMarked
package dev.rollback.core.check;

import org.jspecify.annotations.NullMarked;
