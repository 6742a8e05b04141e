package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.openfeature.FlagFileKillSwitchEvent;
import dev.rollback.openfeature.FlagdFileKillSwitch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demo's edits of the flagd file, and how it reads the kill switch's rewrite of it. */
class FlagdFileAdminTest {

    private static final String FLAG = "checkout-v2";

    @TempDir
    Path dir;

    @Test
    void preparesTheModulesFlagFileAtZeroPercentAndSetsTheFractionalRollout() {
        FlagdFileAdmin admin = new FlagdFileAdmin(dir.resolve("flags").resolve("flagd.json"), FLAG);

        admin.prepare();
        assertThat(fractional(admin)).isEqualTo("[[\"on\",0],[\"off\",100]]");
        admin.setRollout(30);

        assertThat(fractional(admin)).isEqualTo("[[\"on\",30],[\"off\",70]]");
        assertThat(admin.isOn()).isTrue();
    }

    @Test
    void seesTheFlagOffOnceTheKillSwitchRewroteTheFile() {
        FlagdFileAdmin admin = new FlagdFileAdmin(dir.resolve("flagd.json"), FLAG);
        admin.prepare();
        admin.setRollout(50);

        FlagFileKillSwitchEvent event = new FlagdFileKillSwitch(admin.file()).turnOff(FLAG);

        assertThat(event.outcome()).isEqualTo(FlagFileKillSwitchEvent.Outcome.TURNED_OFF);
        assertThat(admin.isOn()).isFalse();
        assertThat(admin.offDetail()).startsWith("the kill switch rewrote flagd.json: " + FLAG + " off");
    }

    private static String fractional(FlagdFileAdmin admin) {
        JsonNode flag = JsonMapper.builder().build().readTree(admin.file().toFile()).path("flags").path(FLAG);
        return flag.path("targeting").path("fractional").toString();
    }
}
