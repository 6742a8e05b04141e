package dev.rollback.examples.checkout.migration;

import dev.rollback.core.guard.RunningPath;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.MigrationStatus;
import dev.rollback.spring.autoconfigure.VersionSchemaDataSource;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * Shows in {@code /actuator/info} where the schema change that the new checkout needs stands, from
 * rollback-liquibase's phase table: {@code expanded} (both shapes of the orders table live side by
 * side, kept in sync: the release can still be rolled back), {@code contracted} (the old shape is
 * gone), {@code rolled_back}, or a step in progress; and the schema each version uses: on PostgreSQL
 * the new checkout's statements run on the new version's schema of views, the old checkout's on the
 * previous version's, the rest of the service on its own version's (H2 has no version schemas).
 */
@Component
public class MigrationInfo implements InfoContributor {

    /** What {@link #schemas()} says where there are no version schemas. */
    public static final String NO_VERSION_SCHEMAS =
            "none: H2 has no version schemas, every version and path uses the physical schema";

    private final ExpandContract migrations;
    private final DataSource dataSource;

    /**
     * Creates the contributor.
     *
     * @param migrations the service's expand/contract migrations
     * @param dataSource the service's data source, which puts each path on its version's schema
     */
    public MigrationInfo(ExpandContract migrations, DataSource dataSource) {
        this.migrations = migrations;
        this.dataSource = dataSource;
    }

    /**
     * Returns the phase of the migrations on the orders table.
     *
     * @return e.g. {@code expanded}; several phases joined with {@code ,} if the migrations differ;
     *         {@code not started} if none ran
     */
    public String phase() {
        List<MigrationStatus> orders = migrations.status().stream()
                .filter(m -> "orders".equalsIgnoreCase(m.tableName())).toList();
        if (orders.isEmpty()) {
            return "not started";
        }
        return orders.stream().map(m -> m.phase().name().toLowerCase(Locale.ROOT)).distinct()
                .collect(Collectors.joining(","));
    }

    /**
     * Returns the schema each version of the service uses.
     *
     * @return {@code newPath}, {@code oldPath} and {@code rest} (the rest of the service) with their
     *         schemas, or {@code none} with {@link #NO_VERSION_SCHEMAS} where there are none
     */
    public Map<String, String> schemas() {
        try {
            if (dataSource instanceof VersionSchemaDataSource versions && versions.schemaOf(null) != null) {
                Map<String, String> schemas = new LinkedHashMap<>();
                schemas.put("newPath", versions.schemaOf(RunningPath.Kind.NEW));
                schemas.put("oldPath", versions.schemaOf(RunningPath.Kind.OLD));
                schemas.put("rest", versions.schemaOf(null));
                return schemas;
            }
            return Map.of("none", NO_VERSION_SCHEMAS);
        } catch (SQLException e) {
            return Map.of("unknown", String.valueOf(e.getMessage()));
        }
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> migration = new LinkedHashMap<>();
        migration.put("change", "orders.customer_name split into first_name and last_name");
        migration.put("phase", phase());
        migration.put("steps", migrations.status().stream()
                .map(m -> m.changeType() + " " + m.tableName() + ": " + m.phase().name().toLowerCase(Locale.ROOT))
                .toList());
        migration.put("schemas", schemas());
        migration.put("contract", "ExpandContract.contract(), once no instance of the previous version is left");
        builder.withDetail("migration", migration);
    }
}
