/**
 * Argument checks shared by the library's builders.
 */
package dev.rollback.core.check;
