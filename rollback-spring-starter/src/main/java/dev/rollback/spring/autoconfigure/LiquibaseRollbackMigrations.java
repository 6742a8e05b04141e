package dev.rollback.spring.autoconfigure;

import dev.rollback.liquibase.ContractRefusedException;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.MigrationStatus;
import dev.rollback.spring.actuate.RollbackMigrations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The migrations of an {@link ExpandContract}, for the endpoint. */
final class LiquibaseRollbackMigrations implements RollbackMigrations {

    private final ExpandContract migrations;

    LiquibaseRollbackMigrations(ExpandContract migrations) {
        this.migrations = migrations;
    }

    @Override
    public List<Map<String, Object>> status() {
        return migrations.status().stream().map(LiquibaseRollbackMigrations::json).toList();
    }

    @Override
    public void contract() {
        try {
            migrations.contract();
        } catch (ContractRefusedException e) {
            throw new RefusedException(e.getMessage(), e);
        }
    }

    @Override
    public void rollback() {
        migrations.rollback();
    }

    private static Map<String, Object> json(MigrationStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", status.id());
        json.put("changeSet", status.changeSet());
        json.put("changeType", status.changeType());
        json.put("table", status.tableName());
        json.put("phase", status.phase().name());
        json.put("serviceVersion", status.serviceVersion());
        json.put("expandedAt", status.expandedAt() == null ? null : status.expandedAt().toString());
        json.put("updatedAt", status.updatedAt().toString());
        return json;
    }
}
