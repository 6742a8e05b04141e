/**
 * The command line: lint change logs from a build, show status, contract or roll back from a shell.
 */
@NullMarked
package dev.rollback.liquibase.cli;

import org.jspecify.annotations.NullMarked;
