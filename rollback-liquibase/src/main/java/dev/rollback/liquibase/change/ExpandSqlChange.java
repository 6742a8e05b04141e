package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import liquibase.change.DatabaseChange;
import liquibase.change.DatabaseChangeProperty;

/**
 * Raw SQL with its undo, as pgroll's {@code sql} operation: {@code sql} runs at expand (or at contract
 * with {@code onContract}), {@code rollbackSql} at rollback. The SQL must leave the running version
 * working and be safe to run again (an interrupted step is run again), e.g. {@code CREATE INDEX IF NOT
 * EXISTS}; it changes no version schema's shape.
 */
@DatabaseChange(name = "expandSql", description = "Raw SQL at expand (or contract) with its undo at rollback",
        priority = ChangeMetaData.PRIORITY_DEFAULT, appliesTo = "table")
public class ExpandSqlChange extends ExpandContractChange {

    private String tableName;
    private String sql;
    private String rollbackSql;
    private Boolean onContract;

    /** Creates the change; Liquibase then sets its properties. */
    public ExpandSqlChange() {
    }

    /**
     * Returns the table the SQL is about, named in messages and lock errors.
     *
     * @return the table
     */
    @DatabaseChangeProperty(description = "The table the SQL is about, named in messages and lock errors",
            requiredForDatabase = ChangeParameterMetaData.ALL, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getTableName() {
        return tableName;
    }

    /**
     * Sets the table the SQL is about.
     *
     * @param tableName the table
     */
    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    /**
     * Returns the SQL run at expand (at contract with {@code onContract}).
     *
     * @return the SQL
     */
    @DatabaseChangeProperty(description = "The SQL run at expand (at contract with onContract)",
            requiredForDatabase = ChangeParameterMetaData.ALL, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getSql() {
        return sql;
    }

    /**
     * Sets the SQL run at expand (at contract with {@code onContract}).
     *
     * @param sql the SQL
     */
    public void setSql(String sql) {
        this.sql = sql;
    }

    /**
     * Returns the SQL that undoes {@code sql} at rollback, or null if there is nothing to undo.
     *
     * @return the SQL, or null
     */
    @DatabaseChangeProperty(description = "The SQL that undoes sql at rollback; not with onContract",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = ChangeParameterMetaData.ALL)
    public String getRollbackSql() {
        return rollbackSql;
    }

    /**
     * Sets the SQL that undoes {@code sql} at rollback.
     *
     * @param rollbackSql the SQL, or null
     */
    public void setRollbackSql(String rollbackSql) {
        this.rollbackSql = rollbackSql;
    }

    /**
     * Returns whether {@code sql} runs at contract instead of expand (default false).
     *
     * @return whether it runs at contract
     */
    @DatabaseChangeProperty(description = "Whether sql runs at contract instead of expand (default false)",
            requiredForDatabase = ChangeParameterMetaData.NONE, supportsDatabase = ChangeParameterMetaData.ALL)
    public Boolean getOnContract() {
        return onContract;
    }

    /**
     * Sets whether {@code sql} runs at contract instead of expand.
     *
     * @param onContract whether it runs at contract
     */
    public void setOnContract(Boolean onContract) {
        this.onContract = onContract;
    }

    @Override
    Kind kind() {
        return Kind.SQL;
    }
}
