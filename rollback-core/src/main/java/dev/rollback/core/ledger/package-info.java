/**
 * The ledger: versions, deployments and rollbacks, kept where the agent and people can read them.
 *
 * <p>{@link dev.rollback.core.ledger.RollbackLedger} is the SPI; the core ships an in-memory and a
 * plain-JDBC implementation (H2 and PostgreSQL, DDL under {@code dev/rollback/core/ledger/}), and
 * {@link dev.rollback.core.ledger.JdbcFleetStore}, the fleet judge's store in the same database.
 */
@NullMarked
package dev.rollback.core.ledger;

import org.jspecify.annotations.NullMarked;
