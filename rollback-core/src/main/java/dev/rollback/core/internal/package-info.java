/**
 * Implementation. Not API: anything here may change in any release.
 */
@NullMarked
package dev.rollback.core.internal;

import org.jspecify.annotations.NullMarked;
