/**
 * The expand/contract migration the new checkout needs, as {@code /actuator/info} shows it.
 */
package dev.rollback.examples.checkout.migration;
