package dev.rollback.spring.autoconfigure;

import javax.sql.DataSource;

/**
 * A data source whose connections are on a version's schema of views, as {@link VersionSchemaDataSource}
 * hands them out, for what must stay on the physical schema (the ledger's tables) without depending
 * on rollback-liquibase being present.
 */
interface OnVersionSchema {

    /** @return the same database on the physical schema */
    DataSource physical();

    /** @return the data source wrapped, to derive a pool of the same kind from */
    DataSource getTargetDataSource();
}
