package dev.rollback.liquibase.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape one version of the application sees: its tables by name, each a physical table with
 * the version's columns by name mapped to physical columns. Built from the physical tables, then
 * changed by the migrations the version knows; a version schema's views are made from it. Names
 * are unquoted identifiers, kept as PostgreSQL stores them (lower case).
 */
final class Shape {

    /**
     * One table as a version sees it.
     *
     * @param physical the physical table
     * @param columns  the version's column names, in order, each mapped to its physical column
     */
    record Table(String physical, LinkedHashMap<String, String> columns) {
    }

    private final Map<String, List<String>> physical;
    private final LinkedHashMap<String, Table> tables = new LinkedHashMap<>();

    /**
     * @param physical every physical table of the schema with its columns in order
     */
    Shape(Map<String, List<String>> physical) {
        this.physical = physical;
        physical.keySet().forEach(this::showTable);
    }

    /** @return the tables as the version sees them, in order */
    Map<String, Table> tables() {
        return tables;
    }

    /** Hides a table that exists only because of an expand. */
    void hideTable(String physicalTable) {
        String p = n(physicalTable);
        tables.values().removeIf(t -> t.physical().equals(p));
    }

    /** Shows a physical table (with all its columns) under its own name. */
    void showTable(String physicalTable) {
        String p = n(physicalTable);
        List<String> columns = physical.get(p);
        if (columns == null) {
            return;
        }
        LinkedHashMap<String, String> mapped = new LinkedHashMap<>();
        columns.forEach(c -> mapped.put(c, c));
        tables.put(p, new Table(p, mapped));
    }

    void dropTable(String table) {
        tables.remove(n(table));
    }

    void renameTable(String table, String newName) {
        Table found = tables.remove(n(table));
        if (found != null) {
            tables.put(n(newName), found);
        }
    }

    /** Hides a physical column that exists only because of an expand, from every table that shows it. */
    void hideColumn(String physicalTable, String physicalColumn) {
        String c = n(physicalColumn);
        for (Table table : tables.values()) {
            if (table.physical().equals(n(physicalTable))) {
                table.columns().values().removeIf(c::equals);
            }
        }
    }

    /** Shows a physical column of the table under its own name, at the end. */
    void showColumn(String table, String physicalColumn) {
        Table found = tables.get(n(table));
        String c = n(physicalColumn);
        if (found != null && physicalHas(found.physical(), c)) {
            found.columns().put(c, c);
        }
    }

    void dropColumn(String table, String column) {
        Table found = tables.get(n(table));
        if (found != null) {
            found.columns().remove(n(column));
        }
    }

    /** Gives a column a new name in its place, still showing the physical column it showed. */
    void renameColumn(String table, String column, String newName) {
        Table found = tables.get(n(table));
        String physicalColumn = found == null ? null : found.columns().get(n(column));
        if (physicalColumn != null) {
            replaceColumn(table, column, newName, physicalColumn);
        }
    }

    /** Puts {@code newName} (mapped to a physical column) where {@code column} was. */
    void replaceColumn(String table, String oldName, String name, String physicalName) {
        String column = n(oldName);
        String newName = n(name);
        String physicalColumn = n(physicalName);
        Table found = tables.get(n(table));
        if (found == null || !physicalHas(found.physical(), physicalColumn)) {
            return;
        }
        LinkedHashMap<String, String> replaced = new LinkedHashMap<>();
        boolean placed = false;
        for (Map.Entry<String, String> entry : found.columns().entrySet()) {
            if (entry.getKey().equals(column)) {
                replaced.put(newName, physicalColumn);
                placed = true;
            } else if (!entry.getKey().equals(newName)) {
                replaced.put(entry.getKey(), entry.getValue());
            }
        }
        if (!placed) {
            replaced.put(newName, physicalColumn);
        }
        tables.put(n(table), new Table(found.physical(), replaced));
    }

    private static String n(String identifier) {
        return identifier.toLowerCase(Locale.ROOT);
    }

    private boolean physicalHas(String table, String column) {
        return physical.getOrDefault(table, new ArrayList<>()).contains(column);
    }
}
