package dev.rollback.examples.checkout.demo;

import dev.rollback.examples.checkout.OpenFeatureFlagsConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo playing the operator of a flagd flag file, the one the service's {@code openfeature}
 * profile reads ({@code checkout.openfeature.flag-file}): it writes the module's flag file there, sets
 * the share of the flag's {@code fractional} rollout by editing the file (written whole and moved into
 * place, as the kill switch writes it), and reads whether the kill switch has turned the flag off in it.
 */
final class FlagdFileAdmin implements FlagAdmin {

    private final Path file;
    private final String flag;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Prepares the admin of a flag file; nothing is written before {@link #prepare()}.
     *
     * @param file the flag file the service reads
     * @param flag the flag it manages
     */
    FlagdFileAdmin(Path file, String flag) {
        this.file = file.toAbsolutePath();
        this.flag = flag;
    }

    /** @return the flag file */
    Path file() {
        return file;
    }

    @Override
    public void prepare() {
        try {
            OpenFeatureFlagsConfiguration.writeModuleFlagFile(file);
        } catch (IOException e) {
            throw new DemoException("cannot write the flag file " + file + ": " + e.getMessage(), e);
        }
        setRollout(0);
    }

    @Override
    public void setRollout(int percent) {
        ObjectNode root = (ObjectNode) read();
        ObjectNode f = root.withObject("flags").withObject(flag);
        f.put("state", "ENABLED");
        f.put("defaultVariant", "off");
        ArrayNode fractional = f.putObject("targeting").putArray("fractional");
        fractional.addArray().add("on").add(percent);
        fractional.addArray().add("off").add(100 - percent);
        write(root);
    }

    @Override
    public boolean isOn() {
        JsonNode f = read().path("flags").path(flag);
        boolean onByDefault = f.path("variants").path(f.path("defaultVariant").asString()).asBoolean();
        return "ENABLED".equals(f.path("state").asString()) && (!f.path("targeting").isEmpty() || onByDefault);
    }

    @Override
    public String describe() {
        return "edits of the flag file " + file + ", read by flagd's in-process provider";
    }

    @Override
    public String offDetail() {
        return "the kill switch rewrote " + file.getFileName() + ": " + flag
                + " off (default variant off, targeting removed); every instance reading it takes the old path";
    }

    @Override
    public String source() {
        return "flagd file";
    }

    private JsonNode read() {
        try {
            return json.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new DemoException("cannot read the flag file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the file whole and moves it into place, so the provider never reads half a file. */
    private void write(JsonNode root) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | JacksonException e) {
            throw new DemoException("cannot write the flag file " + file + ": " + e.getMessage(), e);
        }
    }
}
