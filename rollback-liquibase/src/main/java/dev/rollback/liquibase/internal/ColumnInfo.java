package dev.rollback.liquibase.internal;

/**
 * What the database says about a column.
 *
 * @param type       its type as SQL, e.g. {@code character varying(100)}
 * @param notNull    whether it is NOT NULL
 * @param hasDefault whether it has a default
 */
public record ColumnInfo(String type, boolean notNull, boolean hasDefault) {
}
