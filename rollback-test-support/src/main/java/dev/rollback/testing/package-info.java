/**
 * Test support shared by the modules' tests: the rule for tests against real servers, and the
 * recorded health contract between the service and the agent.
 */
@NullMarked
package dev.rollback.testing;

import org.jspecify.annotations.NullMarked;
