/**
 * The release guard used from plain Java, without Spring: {@link dev.rollback.examples.plain.PlainJavaDemo}
 * drives bounded traffic through a guard, injects a regression into the new path half-way, and prints
 * the timeline of what the guard did about it.
 */
@NullMarked
package dev.rollback.examples.plain;

import org.jspecify.annotations.NullMarked;
