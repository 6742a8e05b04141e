/**
 * Test support shared by the modules' tests: the rule for tests against real servers.
 */
package dev.rollback.testing;
