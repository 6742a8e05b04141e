/**
 * Helpers of the starter's own packages; not API, may change in any release.
 */
@NullMarked
package dev.rollback.spring.internal;

import org.jspecify.annotations.NullMarked;
