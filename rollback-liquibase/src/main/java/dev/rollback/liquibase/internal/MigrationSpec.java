package dev.rollback.liquibase.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one change asks for, kept in the phase table so that contract and rollback can run without
 * the change log (an older version does not have it): the kind and its properties by name.
 * Properties starting with {@code state.} are facts found at the first expand (e.g. whether a column
 * was NOT NULL), needed to undo it.
 */
public final class MigrationSpec {

    /** The property naming the change set before the migration's (that of the previous version). */
    public static final String PREVIOUS_CHANGE_SET = "version.previousChangeSet";

    private final Kind kind;
    private final Map<String, String> properties;

    /**
     * Creates a spec.
     *
     * @param kind       the kind
     * @param properties the properties, null values left out
     */
    public MigrationSpec(Kind kind, Map<String, String> properties) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Map<String, String> copy = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        this.properties = copy;
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /**
     * @param name the property
     * @return its value, or null
     */
    public String get(String name) {
        return properties.get(name);
    }

    /**
     * @param name the property
     * @return its value
     * @throws IllegalStateException if absent
     */
    public String require(String name) {
        String value = properties.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(kind.changeName() + " needs " + name);
        }
        return value;
    }

    /**
     * @param name the property
     * @return whether it is {@code true}
     */
    public boolean flag(String name) {
        return Boolean.parseBoolean(properties.get(name));
    }

    /**
     * @param name  the property
     * @param value its value
     * @return a copy with the property set
     */
    public MigrationSpec with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(name, value);
        return new MigrationSpec(kind, copy);
    }

    /** @return the table the migration changes */
    public String table() {
        return require("tableName");
    }

    /** @return the spec as one line, read back by {@link #decode} */
    public String encode() {
        StringBuilder text = new StringBuilder(kind.name());
        properties.forEach((k, v) -> text.append('&').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return text.toString();
    }

    /**
     * @param text what {@link #encode} wrote
     * @return the spec
     */
    public static MigrationSpec decode(String text) {
        String[] parts = text.split("&");
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            properties.put(parts[i].substring(0, eq), URLDecoder.decode(parts[i].substring(eq + 1), StandardCharsets.UTF_8));
        }
        return new MigrationSpec(Kind.valueOf(parts[0]), properties);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MigrationSpec that && kind == that.kind && properties.equals(that.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, properties);
    }

    @Override
    public String toString() {
        return encode();
    }
}
