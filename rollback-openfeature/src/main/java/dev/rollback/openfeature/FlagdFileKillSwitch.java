package dev.rollback.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.event.RollbackActors;
import dev.rollback.core.event.RollbackEvent;
import dev.rollback.core.flag.FeatureNames;
import dev.rollback.core.ledger.RollbackOutcome;
import dev.rollback.core.ledger.RollbackScope;
import io.micrometer.core.instrument.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet-wide kill switch for flagd users whose flags live in a file that every instance reads
 * (flagd's {@code FILE} resolver, or a flagd daemon watching the file): a feature rolled back here is
 * turned off in the file, so that every instance's provider sees it off at its next reload.
 *
 * <pre>{@code
 * new FlagdFileKillSwitch(Path.of("/etc/flags/flags.json")).attachTo(registry);
 * }</pre>
 *
 * <p>Turning a flag off sets its {@code defaultVariant} to the variant whose value is {@code false}
 * and removes its {@code targeting}, so that it evaluates to {@code false} with reason
 * {@code STATIC} for every key (which {@link OpenFeatureFlagSource} reads as "off"); a flag without a
 * {@code false} variant gets {@code "state": "DISABLED"}. The file is written whole to a temporary
 * file in the same directory and moved over the old one atomically, so a reader never sees half a
 * file. The rest of the file is kept (re-serialised by Jackson). Each outcome is published as a
 * {@link FlagFileKillSwitchEvent} and recorded in the registry's ledger as the Unleash kill switch
 * records its own: as the {@linkplain RollbackOutcome outcome} of the rollback's one record, or, for a
 * flag turned off through {@link #turnOff(String)} alone, as a feature rollback by
 * {@link RollbackActors#FLAGD_FILE_KILL_SWITCH} with its outcome. A person turning the flag back on is
 * an edit of the file; the flag source then asks the guard to reinstate.
 *
 * <p>The file must be writable by the application (a Kubernetes ConfigMap mount is not). Writes of
 * one kill switch are serialised; two instances writing at once both write "off", but a person's
 * edit made between another instance's read and write of the file is lost.
 *
 * <p>Needs Jackson ({@code jackson-databind}), which flagd's provider brings.
 */
public final class FlagdFileKillSwitch {

    private static final Logger log = LoggerFactory.getLogger(FlagdFileKillSwitch.class);

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private volatile RollbackRegistry registry;

    /**
     * Creates a kill switch on a flag file. It does nothing until
     * {@linkplain #attachTo(RollbackRegistry) attached} or {@linkplain #turnOff(String) asked}.
     *
     * @param file the flagd flag file ({@code {"flags": {...}}})
     */
    public FlagdFileKillSwitch(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /**
     * Turns off, in the file, the flag of every feature that {@code registry} rolls back from now on,
     * and reports each outcome through the registry (event and ledger).
     *
     * @param rollbackRegistry the registry
     * @return this kill switch
     */
    public FlagdFileKillSwitch attachTo(RollbackRegistry rollbackRegistry) {
        this.registry = Objects.requireNonNull(rollbackRegistry, "registry");
        rollbackRegistry.getEventPublisher().onRollback(this::onRollback);
        return this;
    }

    private void onRollback(RollbackEvent event) {
        if (event.scope() == RollbackScope.FEATURE || event.scope() == RollbackScope.FLEET) {
            turnOff(event.feature(), event.recordId());
        }
    }

    /**
     * Turns {@code feature}'s flag off in the file.
     *
     * @param feature the feature, which is the flag's key
     * @return the outcome; never throws for a failed write
     */
    public FlagFileKillSwitchEvent turnOff(String feature) {
        return turnOff(feature, null);
    }

    /** Turns the flag off; the outcome goes on the rollback record {@code recordId}, or on a record of its own. */
    private synchronized FlagFileKillSwitchEvent turnOff(String feature, @Nullable String recordId) {
        FeatureNames.requireValid(feature);
        FlagFileKillSwitchEvent.Outcome outcome;
        String detail;
        try {
            JsonNode root = json.readTree(file.toFile());
            JsonNode flag = root.path("flags").get(feature);
            if (flag instanceof ObjectNode f) {
                String off = falseVariant(f.path("variants"));
                if (off != null) {
                    f.put("state", "ENABLED");
                    f.put("defaultVariant", off);
                    f.remove("targeting");
                    detail = "flag '" + feature + "' turned off in " + file + ": defaultVariant '" + off
                            + "', targeting removed";
                } else {
                    f.put("state", "DISABLED");
                    detail = "flag '" + feature + "' turned off in " + file + ": it has no false variant, so its"
                            + " state is DISABLED";
                }
                replace(root);
                outcome = FlagFileKillSwitchEvent.Outcome.TURNED_OFF;
            } else {
                outcome = FlagFileKillSwitchEvent.Outcome.NOT_FOUND;
                detail = "flag '" + feature + "' is not in " + file + "; nothing was written";
            }
        } catch (IOException | RuntimeException e) {
            outcome = FlagFileKillSwitchEvent.Outcome.FAILED;
            detail = "flag '" + feature + "' was not turned off in " + file + ": " + e;
        }
        return report(new FlagFileKillSwitchEvent(feature, now(), outcome, file.toString(), detail), recordId);
    }

    private static String falseVariant(JsonNode variants) {
        for (Map.Entry<String, JsonNode> variant : variants.properties()) {
            if (variant.getValue().isBoolean() && !variant.getValue().booleanValue()) {
                return variant.getKey();
            }
        }
        return null;
    }

    private void replace(JsonNode root) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            json.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Instant now() {
        RollbackRegistry r = registry;
        return Instant.ofEpochMilli((r != null ? r.meterRegistry().config().clock() : Clock.SYSTEM).wallTime());
    }

    private FlagFileKillSwitchEvent report(FlagFileKillSwitchEvent event, @Nullable String recordId) {
        if (event.outcome() == FlagFileKillSwitchEvent.Outcome.TURNED_OFF) {
            log.info("Kill switch: {}", event.detail());
        } else {
            log.error("Kill switch: {}", event.detail());
        }
        RollbackRegistry r = registry;
        if (r != null) {
            RollbackOutcome outcome = event.outcome() == FlagFileKillSwitchEvent.Outcome.TURNED_OFF
                    ? RollbackOutcome.SUCCEEDED : RollbackOutcome.FAILED;
            if (recordId != null) {
                r.recordOutcome(recordId, outcome);
            } else {
                r.recordRollback(event.feature(), event.detail(), RollbackScope.FEATURE,
                        RollbackActors.FLAGD_FILE_KILL_SWITCH, outcome);
            }
            r.getEventPublisher().publish(event);
        }
        return event;
    }

    @Override
    public String toString() {
        return "FlagdFileKillSwitch{file=" + file + '}';
    }
}
