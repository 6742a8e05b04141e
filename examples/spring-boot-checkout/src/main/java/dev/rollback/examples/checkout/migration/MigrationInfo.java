package dev.rollback.examples.checkout.migration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Shows in {@code /actuator/info} where the schema change that the new checkout needs stands:
 * {@code expanded} (both shapes of the orders table live side by side: the release can still be
 * rolled back) or {@code contracted} (the old shape is gone: only after the release is confirmed).
 * Read from Liquibase's own record of applied change sets.
 */
@Component
public class MigrationInfo implements InfoContributor {

    /** The change set that adds {@code first_name} and {@code last_name} and backfills them. */
    public static final String EXPAND = "expand-split-customer-name";
    /** The change set that drops {@code customer_name}; runs only with the Liquibase context {@code contract}. */
    public static final String CONTRACT = "contract-split-customer-name";

    private final JdbcClient jdbc;

    /**
     * Creates the contributor.
     *
     * @param jdbc the service's database
     */
    public MigrationInfo(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Returns the phase of the migration.
     *
     * @return {@code not started}, {@code expanded} or {@code contracted}
     */
    public String phase() {
        Set<String> applied = jdbc.sql("SELECT id FROM databasechangelog WHERE id IN (?, ?)")
                .params(EXPAND, CONTRACT).query(String.class).stream().collect(Collectors.toSet());
        if (applied.contains(CONTRACT)) {
            return "contracted";
        }
        return applied.contains(EXPAND) ? "expanded" : "not started";
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> migration = new LinkedHashMap<>();
        migration.put("change", "orders.customer_name split into first_name and last_name");
        migration.put("phase", phase());
        migration.put("contract", "drops orders.customer_name; run with the Liquibase context 'contract' once"
                + " no instance of the previous version is left");
        builder.withDetail("migration", migration);
    }
}
