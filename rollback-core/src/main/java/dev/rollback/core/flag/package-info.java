/**
 * Flags: the {@link dev.rollback.core.flag.FlagSource} SPI that decides whether a call takes the new
 * path, and the in-memory source that is the embedded default.
 */
@NullMarked
package dev.rollback.core.flag;

import org.jspecify.annotations.NullMarked;
