package dev.rollback.examples.checkout.migration;

import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.MigrationStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * Shows in {@code /actuator/info} where the schema change that the new checkout needs stands, from
 * rollback-liquibase's phase table: {@code expanded} (both shapes of the orders table live side by
 * side, kept in sync: the release can still be rolled back), {@code contracted} (the old shape is
 * gone), {@code rolled_back}, or a step in progress.
 */
@Component
public class MigrationInfo implements InfoContributor {

    private final ExpandContract migrations;

    /**
     * Creates the contributor.
     *
     * @param migrations the service's expand/contract migrations
     */
    public MigrationInfo(ExpandContract migrations) {
        this.migrations = migrations;
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

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> migration = new LinkedHashMap<>();
        migration.put("change", "orders.customer_name split into first_name and last_name");
        migration.put("phase", phase());
        migration.put("steps", migrations.status().stream()
                .map(m -> m.changeType() + " " + m.tableName() + ": " + m.phase().name().toLowerCase(Locale.ROOT))
                .toList());
        migration.put("contract", "ExpandContract.contract(), once no instance of the previous version is left");
        builder.withDetail("migration", migration);
    }
}
