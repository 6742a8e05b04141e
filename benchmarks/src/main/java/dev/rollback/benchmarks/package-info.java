/**
 * JMH benchmarks of the release guard against the plain call and hand compositions of the same
 * parts. Not tests, and never run by the build: each benchmark carries its run command.
 */
@NullMarked
package dev.rollback.benchmarks;

import org.jspecify.annotations.NullMarked;
