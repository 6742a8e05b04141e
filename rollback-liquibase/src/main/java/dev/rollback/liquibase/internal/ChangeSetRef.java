package dev.rollback.liquibase.internal;

/**
 * A Liquibase change set, as it is named in {@code DATABASECHANGELOG}.
 *
 * @param path   the change log's path
 * @param id     the change set's id
 * @param author its author
 */
public record ChangeSetRef(String path, String id, String author) {

    @Override
    public String toString() {
        return path + "::" + id + "::" + author;
    }
}
