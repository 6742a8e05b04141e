/**
 * Expand/contract schema changes on Liquibase: {@link dev.rollback.liquibase.ExpandContract} runs
 * expand, contract and rollback; {@link dev.rollback.liquibase.ChangelogLint} finds changes that would
 * break the running version. The change types are in {@code dev.rollback.liquibase.change}.
 */
@NullMarked
package dev.rollback.liquibase;

import org.jspecify.annotations.NullMarked;
