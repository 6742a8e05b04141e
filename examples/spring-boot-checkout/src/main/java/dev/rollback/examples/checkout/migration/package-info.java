/**
 * The expand/contract migration the new checkout needs, as {@code /actuator/info} shows it.
 */
@NullMarked
package dev.rollback.examples.checkout.migration;

import org.jspecify.annotations.NullMarked;
