/**
 * The command line: lint change logs from a build, show status, contract or roll back from a shell.
 */
package dev.rollback.liquibase.cli;
