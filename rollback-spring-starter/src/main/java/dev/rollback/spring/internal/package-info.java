/**
 * Helpers of the starter's own packages; not API, may change in any release.
 */
package dev.rollback.spring.internal;
