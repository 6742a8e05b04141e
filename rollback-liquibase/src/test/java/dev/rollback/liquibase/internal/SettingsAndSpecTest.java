package dev.rollback.liquibase.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsAndSpecTest {

    @Test
    void changeLogParametersOverrideTheDefaults() {
        Map<String, String> parameters = Map.of("rollback.backfillBatchSize", "250", "rollback.lockTimeout", "PT0.5S",
                "rollback.serviceVersion", "1.5.0");

        Settings settings = Settings.fromParameters(parameters::get);

        assertThat(settings.backfillBatchSize()).isEqualTo(250);
        assertThat(settings.lockTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.lockRetries()).isEqualTo(Settings.DEFAULT_LOCK_RETRIES);
        assertThat(settings.backfillPause()).isEqualTo(Settings.DEFAULT_PAUSE);
        assertThat(settings.serviceVersion()).isEqualTo("1.5.0");
    }

    @Test
    void anUnreadableParameterIsNamed() {
        assertThatThrownBy(() -> Settings.fromParameters(Map.of("rollback.lockRetries", "many")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rollback.* change log parameter")
                .hasMessageContaining("many");
    }

    @Test
    void specSurvivesThePhaseTable() {
        MigrationSpec spec = new MigrationSpec(Kind.CHANGE_COLUMN_TYPE, Map.of("tableName", "customer",
                "upExpression", "amount / 100.0 & 'x=y'", "downExpression", "CAST(ROUND(amount_dec * 100) AS INTEGER)"))
                .with("state.notNull", "true");

        MigrationSpec read = MigrationSpec.decode(spec.encode());

        assertThat(read).isEqualTo(spec);
        assertThat(read.get("upExpression")).isEqualTo("amount / 100.0 & 'x=y'");
        assertThat(read.flag("state.notNull")).isTrue();
    }

    @Test
    void helperNamesAreShortAndStable() {
        assertThat(Engine.helper("a.yaml::1::me::expandRenameColumn#0")).hasSize(10)
                .isEqualTo(Engine.helper("a.yaml::1::me::expandRenameColumn#0"))
                .isNotEqualTo(Engine.helper("a.yaml::1::me::expandRenameColumn#1"));
    }
}
