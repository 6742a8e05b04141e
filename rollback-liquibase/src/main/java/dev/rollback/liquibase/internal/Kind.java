package dev.rollback.liquibase.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The expand/contract change types and their three steps. Every step is idempotent: it checks the
 * catalog before each change, so a step interrupted anywhere is finished by running it again.
 */
public enum Kind {

    /** Adds a column; NOT NULL is enforced at contract, rows written without it get the fill expression. */
    ADD_COLUMN("expandAddColumn") {
        @Override
        void hide(MigrationSpec spec, String helper, Shape shape) {
            shape.hideColumn(TableRenames.physical(spec), spec.require("columnName"));
        }

        @Override
        void reshape(MigrationSpec spec, String helper, Shape shape) {
            shape.showColumn(spec.table(), spec.require("columnName"));
        }

        @Override
        List<Rule> rules(MigrationSpec spec) {
            String fill = spec.get("fillExpression");
            return fill == null ? List.of() : List.of(new Rule.Fill(spec.require("columnName"), fill));
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            requireNoColumn(work, work.require("columnName"));
            work.require("columnType");
            if (work.spec.flag("notNull") && work.get("fillExpression") == null && work.get("defaultValue") == null) {
                throw work.error("a NOT NULL column needs fillExpression (or defaultValue) so that rows the running"
                        + " version writes without it get a value. Add it to the change set, then run expand again.", null);
            }
            work.archiveKey();
        }

        @Override
        void expand(Work work) {
            String column = work.require("columnName");
            String def = work.get("defaultValue");
            // a volatile default (gen_random_uuid(), clock_timestamp()) given at ADD COLUMN rewrites the table:
            // it is set for new rows only, and the existing ones are backfilled with it
            boolean backfillDefault = def != null && work.callsVolatileFunction(def);
            if (!work.hasColumn(work.table(), column)) {
                String add = "ALTER TABLE " + work.table() + " ADD COLUMN " + column + " " + work.require("columnType");
                if (backfillDefault) {
                    work.atomically("add column " + column, List.of(add,
                            "ALTER TABLE " + work.table() + " ALTER COLUMN " + column + " SET DEFAULT " + def));
                } else {
                    work.sql("add column " + column, add + (def == null ? "" : " DEFAULT " + def));
                }
            }
            restore(work, column, null);
            work.syncTrigger(rules(work.spec));
            if (backfillDefault) {
                work.backfill(column, def, column + " IS NULL");
            }
            String fill = work.get("fillExpression");
            if (fill != null) {
                work.backfill(column, fill, column + " IS NULL");
            }
            if (work.spec.flag("notNull")) {
                work.addCheckUnchecked(work.table(), work.name("rb_nn"), column + " IS NOT NULL");
            }
        }

        @Override
        void contract(Work work) {
            work.dropSyncTrigger();
            if (work.spec.flag("notNull")) {
                work.setNotNullFromCheck(work.table(), work.require("columnName"), work.name("rb_nn"));
            }
        }

        @Override
        void rollback(Work work) {
            String column = work.require("columnName");
            if (work.hasColumn(work.table(), column)) {
                archive(work, column, null);
            }
            // the check goes before the trigger that satisfies it, or the running version's inserts fail between
            work.dropConstraint(work.table(), work.name("rb_nn"));
            work.dropSyncTrigger();
            dropColumn(work, column);
        }
    },

    /**
     * Renames a column. PostgreSQL: an alias in the new version's schema, renamed physically at
     * contract ({@link Alias}). H2 (no version schemas): a new column kept equal to the old one; the
     * old one is dropped at contract.
     */
    RENAME_COLUMN("expandRenameColumn", Shaping.PAIR) {
        @Override
        List<Rule> rules(MigrationSpec spec) {
            String a = spec.require("columnName");
            String b = spec.require("newColumnName");
            return List.of(new Rule.Pair(a, b, a, b));
        }

        @Override
        void hide(MigrationSpec spec, String helper, Shape shape) {
            if (!Alias.on(spec)) {
                super.hide(spec, helper, shape);
            }
        }

        @Override
        void reshape(MigrationSpec spec, String helper, Shape shape) {
            if (Alias.on(spec)) {
                shape.renameColumn(spec.table(), spec.require("columnName"), spec.require("newColumnName"));
            } else {
                super.reshape(spec, helper, shape);
            }
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            requireColumn(work, work.require("columnName"));
            requireNoColumn(work, work.require("newColumnName"));
        }

        @Override
        MigrationSpec capture(Work work) {
            ColumnInfo old = work.column(work.table(), work.require("columnName"));
            return work.spec.with("state.type", old.type()).with("state.notNull", String.valueOf(old.notNull()))
                    .with(Alias.FLAG, String.valueOf(work.dialect.isPostgres()));
        }

        @Override
        void expand(Work work) {
            if (!Alias.on(work.spec)) {
                expandPair(work, work.require("state.type"), work.require("columnName"), false);
            }
        }

        @Override
        void checkContract(Work work) {
            if (!Alias.on(work.spec)) { // an alias keeps the column, with its unique index
                super.checkContract(work);
            }
        }

        @Override
        void contract(Work work) {
            if (Alias.on(work.spec)) {
                Alias.contract(work);
            } else {
                contractPair(work);
            }
        }

        @Override
        void rollback(Work work) {
            if (!Alias.on(work.spec)) {
                rollbackPair(work, false);
            }
        }
    },

    /** Changes a column's type into a new column, converted both ways by the up and down expressions. */
    CHANGE_COLUMN_TYPE("expandChangeColumnType", Shaping.PAIR) {
        @Override
        List<Rule> rules(MigrationSpec spec) {
            return List.of(new Rule.Pair(spec.require("columnName"), spec.require("newColumnName"),
                    spec.require("upExpression"), spec.require("downExpression")));
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            requireColumn(work, work.require("columnName"));
            requireNoColumn(work, work.require("newColumnName"));
            work.require("newDataType");
            work.require("upExpression");
            work.require("downExpression");
            work.archiveKey();
        }

        @Override
        MigrationSpec capture(Work work) {
            ColumnInfo old = work.column(work.table(), work.require("columnName"));
            return work.spec.with("state.notNull", String.valueOf(old.notNull()));
        }

        @Override
        void expand(Work work) {
            expandPair(work, work.require("newDataType"), work.require("upExpression"), true);
        }

        @Override
        void contract(Work work) {
            contractPair(work);
        }

        @Override
        void rollback(Work work) {
            rollbackPair(work, true);
        }
    },

    /** Drops a column at contract; until then rows the new version writes get its default or fill expression. */
    DROP_COLUMN("expandDropColumn") {
        @Override
        void reshape(MigrationSpec spec, String helper, Shape shape) {
            shape.dropColumn(spec.table(), spec.require("columnName"));
        }

        @Override
        List<Rule> rules(MigrationSpec spec) {
            String fill = spec.get("fillExpression");
            return fill == null ? List.of() : List.of(new Rule.Default(spec.require("columnName"), fill));
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            ColumnInfo column = requireColumn(work, work.require("columnName"));
            if (column.notNull() && !column.hasDefault() && work.get("fillExpression") == null) {
                throw work.error("column " + work.require("columnName") + " is NOT NULL without a default, so rows the"
                        + " new version writes without it would fail. Add fillExpression to the change set, then run"
                        + " expand again.", null);
            }
        }

        @Override
        void expand(Work work) {
            if (work.get("fillExpression") != null) {
                work.relax(work.require("columnName"));
                work.syncTrigger(rules(work.spec));
            }
        }

        @Override
        void contract(Work work) {
            work.dropSyncTrigger();
            work.dropConstraint(work.table(), work.name("rb_on"));
            dropColumn(work, work.require("columnName"));
        }

        @Override
        void rollback(Work work) {
            work.dropSyncTrigger();
            work.unrelax(work.require("columnName"));
        }
    },

    /** Makes a column NOT NULL: filled by a trigger and a backfill, checked NOT VALID, validated at contract. */
    ADD_NOT_NULL("expandAddNotNull", Shaping.SHADOW) {
        @Override
        List<Rule> rules(MigrationSpec spec) {
            return List.of(new Rule.Fill(spec.require("columnName"), spec.require("fillExpression")));
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            requireColumn(work, work.require("columnName"));
            work.require("fillExpression");
            requireNoOtherShadow(work);
        }

        @Override
        void expand(Work work) {
            String column = work.require("columnName");
            if (work.dialect.isPostgres()) {
                Shadow.expand(work, column, "COALESCE(" + column + ", " + work.require("fillExpression") + ")", null,
                        "CHECK (" + Shadow.column(work) + " IS NOT NULL)");
                return;
            }
            work.syncTrigger(rules(work.spec));
            work.backfill(column, work.require("fillExpression"), column + " IS NULL");
            work.addCheckUnchecked(work.table(), work.name("rb_nn"), column + " IS NOT NULL");
        }

        @Override
        void contract(Work work) {
            if (work.dialect.isPostgres()) {
                Shadow.contract(work, work.require("columnName"));
                return;
            }
            work.dropSyncTrigger();
            work.setNotNullFromCheck(work.table(), work.require("columnName"), work.name("rb_nn"));
        }

        @Override
        void rollback(Work work) {
            if (work.dialect.isPostgres()) {
                Shadow.rollback(work);
                return;
            }
            work.dropConstraint(work.table(), work.name("rb_nn"));
            work.dropSyncTrigger();
        }
    },

    /**
     * Lets a column hold NULL. PostgreSQL: a nullable shadow column for the new version; its NULL
     * reaches the old column as {@code downExpression}. H2: the column made nullable, NULLs filled.
     */
    DROP_NOT_NULL("expandDropNotNull", Shaping.SHADOW) {
        @Override
        List<Rule> rules(MigrationSpec spec) {
            return List.of(new Rule.Default(spec.require("columnName"), spec.require("downExpression")));
        }

        @Override
        boolean shadowKeepsNotNull() {
            return false;
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            String column = work.require("columnName");
            if (!requireColumn(work, column).notNull()) {
                throw work.error("column " + column + " is nullable already. Drop the change from the change set, then"
                        + " run expand again; nothing was changed.", null);
            }
            work.require("downExpression");
            requireNoOtherShadow(work);
            if (work.dialect.isPostgres()) {
                work.archiveKey(); // the rows the new version wrote NULL into are archived by key at rollback
            }
        }

        @Override
        void expand(Work work) {
            String column = work.require("columnName");
            if (work.dialect.isPostgres()) {
                Shadow.expand(work, column, column, work.require("downExpression"), null);
                // the NULLs the new version wrote before a rollback, where the old version left the row alone since
                restore(work, Shadow.column(work), column);
                return;
            }
            work.relax(column);
            work.syncTrigger(rules(work.spec));
        }

        @Override
        void contract(Work work) {
            if (work.dialect.isPostgres()) {
                Shadow.contract(work, work.require("columnName"));
                return;
            }
            work.dropSyncTrigger();
            work.dropConstraint(work.table(), work.name("rb_on"));
        }

        @Override
        void rollback(Work work) {
            if (work.dialect.isPostgres()) {
                String shadow = Shadow.column(work);
                if (work.hasColumn(work.table(), shadow)) {
                    // which rows held NULL for the new version: the old column has downExpression's value there
                    archive(work, shadow, work.require("columnName"), shadow + " IS NULL");
                }
                Shadow.rollback(work);
                return;
            }
            work.dropSyncTrigger();
            work.unrelax(work.require("columnName"));
        }
    },

    /**
     * Sets or drops a column's default for the new version only: a shadow column with the new
     * default (PostgreSQL; H2 has no version schemas, so it refuses).
     */
    SET_DEFAULT("expandSetDefault", Shaping.SHADOW) {
        @Override
        String shadowDefault(Work work, String column) {
            return work.get("defaultValue");
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            requireColumn(work, work.require("columnName"));
            if (!work.dialect.isPostgres()) {
                throw work.error("H2 has no schema per version, so a new default would reach the running version's"
                        + " column: expandSetDefault needs PostgreSQL. Set the default in a plain change set once no"
                        + " previous version runs, or run it on PostgreSQL; nothing was changed.", null);
            }
            requireNoOtherShadow(work);
        }

        @Override
        void expand(Work work) {
            String column = work.require("columnName");
            Shadow.expand(work, column, column, null, null);
        }

        @Override
        void contract(Work work) {
            Shadow.contract(work, work.require("columnName"));
        }

        @Override
        void rollback(Work work) {
            Shadow.rollback(work);
        }
    },

    /** Adds a foreign key, not checked on existing rows until contract. */
    ADD_FOREIGN_KEY("expandAddForeignKey", Shaping.SHADOW) {
        @Override
        void validate(Work work) {
            requireTable(work);
            for (String column : columns(work.require("columnNames"))) {
                requireColumn(work, column);
            }
            requireNoOtherShadow(work);
            String referenced = work.require("referencedTableName");
            if (!work.hasTable(referenced)) {
                throw work.error("referenced table " + referenced + " does not exist. Fix the change set, then run expand"
                        + " again; nothing was changed.", null);
            }
            for (String column : columns(work.require("referencedColumnNames"))) {
                if (!work.hasColumn(referenced, column)) {
                    throw work.error("referenced table " + referenced + " has no column " + column + ". Fix the change"
                            + " set, then run expand again; nothing was changed.", null);
                }
            }
            if (columns(work.require("referencedColumnNames")).size() != columns(work.require("columnNames")).size()) {
                throw work.error("columnNames " + work.require("columnNames") + " and referencedColumnNames "
                        + work.require("referencedColumnNames") + " differ in number. Fix the change set, then run expand"
                        + " again; nothing was changed.", null);
            }
        }

        @Override
        void expand(Work work) {
            String name = work.require("constraintName");
            String onDelete = work.get("onDelete");
            String references = " REFERENCES " + work.require("referencedTableName") + " ("
                    + work.require("referencedColumnNames") + ")" + (onDelete == null ? "" : " ON DELETE " + onDelete);
            if (work.dialect.isPostgres()) {
                List<String> from = shadowed(work.spec);
                List<String> to = columns(work.require("referencedColumnNames"));
                // MATCH SIMPLE: a row with a NULL in any of the columns is not checked, so it keeps its values;
                // a reference the new rule refuses becomes NULL in every column for the new version; the old one keeps it
                List<String> holds = new ArrayList<>();
                List<String> match = new ArrayList<>();
                for (int i = 0; i < from.size(); i++) {
                    holds.add("rb_row." + from.get(i) + " IS NULL");
                    match.add("rb_p." + to.get(i) + " = rb_row." + from.get(i));
                }
                holds.add("EXISTS (SELECT 1 FROM " + work.require("referencedTableName") + " rb_p WHERE "
                        + String.join(" AND ", match) + ")");
                List<String> ups = from.stream().map(c -> "CASE WHEN " + String.join(" OR ", holds) + " THEN rb_row." + c
                        + " END").toList();
                Shadow.Plan plan = new Shadow.Plan(from, ups, null, null, false, null);
                Shadow.prepare(work, plan);
                ShadowReference.expand(work, from, to);
                Shadow.fill(work, plan);
                // a backfill batch reads the referenced table as of its start, so it may write back a reference
                // that a delete meanwhile cleared (through the referenced table's trigger): cleared again
                List<String> shadows = Shadow.columns(work.helper, from);
                List<String> dangling = new ArrayList<>();
                List<String> found = new ArrayList<>();
                for (int i = 0; i < from.size(); i++) {
                    dangling.add(shadows.get(i) + " IS NOT NULL");
                    found.add("rb_p." + to.get(i) + " = " + shadows.get(i));
                }
                dangling.add("NOT EXISTS (SELECT 1 FROM " + work.require("referencedTableName") + " rb_p WHERE "
                        + String.join(" AND ", found) + ")");
                // typed: a NULL of a sub-SELECT setting several columns would be text
                Shadow.backfill(work, from, from.stream().map(c -> "CAST(NULL AS " + work.column(work.table(), c).type()
                        + ")").toList(), String.join(" AND ", dangling));
                if (!work.hasConstraint(work.table(), name)) {
                    List<String> statements = new ArrayList<>(ShadowReference.lockBoth(work, "SHARE ROW EXCLUSIVE"));
                    statements.add(work.dialect.addConstraintUnchecked(work.table(), name, "FOREIGN KEY ("
                            + String.join(", ", Shadow.columns(work.helper, from)) + ")" + references));
                    work.atomically("add foreign key " + name + " to the shadow columns", statements);
                }
            } else if (!work.hasConstraint(work.table(), name)) {
                work.sql("add foreign key " + name, work.dialect.addConstraintUnchecked(work.table(), name,
                        "FOREIGN KEY (" + work.require("columnNames") + ")" + references));
            }
        }

        @Override
        void contract(Work work) {
            if (work.dialect.isPostgres()) {
                work.sql("drop the referenced table's trigger", ShadowReference.drop(work));
                Shadow.contract(work, shadowed(work.spec));
                return;
            }
            List<String> from = columns(work.require("columnNames"));
            List<String> to = columns(work.require("referencedColumnNames"));
            List<String> match = new ArrayList<>();
            for (int i = 0; i < from.size(); i++) {
                match.add("rb_p." + to.get(i) + " = rb_c." + from.get(i));
            }
            validateConstraint(work, "SELECT COUNT(*) FROM " + work.table() + " rb_c WHERE "
                    + from.stream().map(c -> "rb_c." + c + " IS NOT NULL").collect(Collectors.joining(" AND "))
                    + " AND NOT EXISTS (SELECT 1 FROM " + work.require("referencedTableName") + " rb_p WHERE "
                    + String.join(" AND ", match) + ")");
        }

        @Override
        void rollback(Work work) {
            if (work.dialect.isPostgres()) {
                // with the shadow columns and their rule: the referenced table's trigger updates the columns
                List<String> first = new ArrayList<>(ShadowReference.lockBoth(work, "ACCESS EXCLUSIVE"));
                first.addAll(ShadowReference.drop(work));
                Shadow.rollback(work, first);
                return;
            }
            rollbackConstraint(work);
        }
    },

    /** Adds a check constraint, not checked on existing rows until contract. */
    ADD_CHECK("expandAddCheck", Shaping.SHADOW) {
        @Override
        void validate(Work work) {
            requireTable(work);
            work.require("condition");
            if (work.dialect.isPostgres()) {
                if (work.get("columnName") == null) {
                    throw work.error("on PostgreSQL the check goes on a shadow column of the column it is about, so"
                            + " that the running version never meets it: set columnName. Fix the change set, then run"
                            + " expand again; nothing was changed.", null);
                }
                requireColumn(work, work.require("columnName"));
                requireNoOtherShadow(work);
            }
        }

        @Override
        void expand(Work work) {
            String condition = work.require("condition");
            if (work.dialect.isPostgres()) {
                String column = work.require("columnName");
                // a value the check refuses becomes NULL for the new version; the old one keeps it
                Shadow.expand(work, column, "CASE WHEN (" + condition + ") THEN " + column + " END", null,
                        "CHECK (" + Shadow.rebind(condition, column, Shadow.column(work)) + ")");
                return;
            }
            work.addCheckUnchecked(work.table(), work.require("constraintName"), condition);
        }

        @Override
        void contract(Work work) {
            if (work.dialect.isPostgres()) {
                Shadow.contract(work, work.require("columnName"));
                return;
            }
            validateConstraint(work, "SELECT COUNT(*) FROM " + work.table() + " WHERE NOT (" + work.require("condition") + ")");
        }

        @Override
        void rollback(Work work) {
            rollbackConstraint(work);
        }
    },

    /** Adds a unique constraint: on PostgreSQL its index is built concurrently, the constraint attached at contract. */
    ADD_UNIQUE("expandAddUnique", Shaping.SHADOW) {
        @Override
        void validate(Work work) {
            requireTable(work);
            for (String column : columns(work.require("columnNames"))) {
                requireColumn(work, column);
            }
            requireNoOtherShadow(work);
        }

        @Override
        void expand(Work work) {
            String name = work.require("constraintName");
            if (work.dialect.isPostgres()) {
                // as pgroll's up does, an old write of a duplicate succeeds: the new version sees NULL there
                List<String> columns = shadowed(work.spec);
                List<String> shadows = Shadow.columns(work.helper, columns);
                String function = Shadow.duplicateName(work);
                String duplicate = function + "(" + Shadow.SELF + ", " + String.join(", ", columns) + ")";
                List<String> ups = columns.stream().map(c -> "CASE WHEN " + duplicate + " THEN NULL ELSE " + c + " END")
                        .toList();
                Shadow.Plan plan = new Shadow.Plan(columns, ups, null, null, true, "PERFORM " + function + "(NULL, "
                        + shadows.stream().map(c -> "NEW." + c).collect(Collectors.joining(", ")) + ");");
                work.sql("create the duplicate function", Shadow.duplicateFunction(work, columns));
                Shadow.prepare(work, plan);
                // before the backfill, which looks duplicates up in it
                createIndex(work, name, String.join(", ", shadows), true, null);
                Shadow.fill(work, plan);
            } else if (!work.hasConstraint(work.table(), name)) {
                work.sql("add unique constraint " + name, "ALTER TABLE " + work.table() + " ADD CONSTRAINT " + name
                        + " UNIQUE (" + work.require("columnNames") + ")");
            }
        }

        @Override
        void contract(Work work) {
            String name = work.require("constraintName");
            if (work.dialect.isPostgres()) {
                Shadow.contract(work, shadowed(work.spec));
                dropDuplicateFunction(work);
                if (!work.hasConstraint(work.table(), name)) {
                    work.sql("attach unique constraint " + name, "ALTER TABLE " + work.table() + " ADD CONSTRAINT " + name
                            + " UNIQUE USING INDEX " + name);
                }
            }
        }

        @Override
        void rollback(Work work) {
            rollbackConstraint(work);
            if (work.dialect.isPostgres()) {
                dropDuplicateFunction(work);
            }
        }
    },

    /** Creates an index, concurrently on PostgreSQL. */
    CREATE_INDEX("expandCreateIndex") {
        @Override
        void validate(Work work) {
            requireTable(work);
            for (String column : columns(work.require("columnNames"))) {
                requireColumn(work, column);
            }
            work.require("indexName");
            if (work.get("where") != null && !work.dialect.isPostgres()) {
                throw work.error("H2 has no partial index: the index with where '" + work.get("where") + "' needs"
                        + " PostgreSQL. Drop where from the change set (or run it on PostgreSQL), then run expand again;"
                        + " nothing was changed.", null);
            }
        }

        @Override
        void expand(Work work) {
            createIndex(work, work.require("indexName"), work.require("columnNames"), work.spec.flag("unique"),
                    work.get("where"));
        }

        @Override
        void contract(Work work) {
            // nothing to finish: the index is complete after expand
        }

        @Override
        void rollback(Work work) {
            work.sql("drop index " + work.require("indexName"), work.dialect.dropIndex(work.require("indexName")));
        }
    },

    /** Drops an index at contract; the running version's queries may need it until then. */
    DROP_INDEX("expandDropIndex") {
        @Override
        void validate(Work work) {
            requireTable(work);
            if (!work.hasIndex(work.require("indexName"))) {
                throw work.error("there is no index " + work.require("indexName") + ". Fix the change set, then run"
                        + " expand again; nothing was changed.", null);
            }
        }

        @Override
        void expand(Work work) {
            // the running version still uses the index
        }

        @Override
        void contract(Work work) {
            work.sql("drop index " + work.require("indexName"), work.dialect.dropIndex(work.require("indexName")));
        }

        @Override
        void rollback(Work work) {
            // expand changed nothing
        }
    },

    /** Creates a table; rollback moves it to its archive, a new expand brings it back. */
    CREATE_TABLE("expandCreateTable") {
        @Override
        void hide(MigrationSpec spec, String helper, Shape shape) {
            shape.hideTable(spec.table());
        }

        @Override
        void reshape(MigrationSpec spec, String helper, Shape shape) {
            shape.showTable(spec.table());
        }

        @Override
        void validate(Work work) {
            work.require("columns");
            if (work.hasTable(work.table()) && !work.hasArchive()) {
                throw work.error("table " + work.table() + " exists already. Drop it or pick another name, then run"
                        + " expand again; nothing was changed.", null);
            }
        }

        @Override
        void expand(Work work) {
            if (!work.hasTable(work.table())) {
                if (work.hasArchive()) {
                    work.atomically("restore table " + work.table() + " from its archive", work.moveFromArchive(work.table()));
                } else {
                    work.sql("create table " + work.table(), "CREATE TABLE " + work.table() + " (" + work.require("columns") + ")");
                }
            }
        }

        @Override
        void contract(Work work) {
            // nothing to finish
        }

        @Override
        void rollback(Work work) {
            if (work.hasTable(work.table())) {
                if (work.hasArchive()) {
                    work.sql("drop the previous archive", "DROP TABLE " + work.archiveTable());
                }
                work.createArchiveSchema();
                work.atomically("archive table " + work.table(), work.moveToArchive(work.table()));
            }
        }
    },

    /** Renames a table: the new name is an updatable view over the table until contract renames it. */
    RENAME_TABLE("expandRenameTable") {
        @Override
        void reshape(MigrationSpec spec, String helper, Shape shape) {
            shape.renameTable(spec.table(), spec.require("newTableName"));
        }

        @Override
        void validate(Work work) {
            requireTable(work);
            String view = work.require("newTableName");
            if (work.hasTable(view)) {
                throw work.error("a table or view " + view + " exists already. Fix the change set, then run expand"
                        + " again; nothing was changed.", null);
            }
        }

        @Override
        void expand(Work work) {
            String view = work.require("newTableName");
            if (!work.hasView(view)) {
                work.sql("create view " + view, "CREATE VIEW " + view + " AS SELECT * FROM " + work.table());
            }
            work.sql("make view " + view + " writable", work.dialect.makeViewUpdatable(view, work.helper));
        }

        /**
         * Drops the view of the new name before any migration of the contract runs: it selects every column
         * of the table, so it would hold the drop of a column that another migration of the release
         * retypes, shadows or drops.
         */
        @Override
        void beforeContract(Work work) {
            dropView(work);
        }

        @Override
        void contract(Work work) {
            dropView(work); // for a contract interrupted before it was dropped
            if (work.hasTable(work.table())) {
                work.sql("rename table " + work.table() + " to " + work.require("newTableName"), "ALTER TABLE "
                        + work.table() + " RENAME TO " + work.require("newTableName"));
            }
        }

        @Override
        void rollback(Work work) {
            dropView(work);
        }

        private void dropView(Work work) {
            String view = work.require("newTableName");
            List<String> statements = new ArrayList<>();
            if (!work.dialect.isPostgres()) {
                statements.add("DROP TRIGGER IF EXISTS " + Dialect.triggerName(work.helper)); // the view's INSTEAD OF trigger
            }
            if (work.hasView(view)) {
                statements.add("DROP VIEW " + view);
            }
            work.atomically("drop view " + view, statements);
        }
    },

    /**
     * Raw SQL, as pgroll's {@code sql} operation: {@code sql} at expand (at contract with
     * {@code onContract}), {@code rollbackSql} at rollback.
     */
    SQL("expandSql") {
        @Override
        void validate(Work work) {
            work.require("sql");
            if (work.spec.flag("onContract") && work.get("rollbackSql") != null) {
                throw work.error("rollbackSql is not allowed with onContract: before contract the SQL has not run, so a"
                        + " rollback has nothing to undo. Drop one of them from the change set, then run expand again;"
                        + " nothing was changed.", null);
            }
        }

        @Override
        void expand(Work work) {
            if (!work.spec.flag("onContract")) {
                work.sql("run sql", work.require("sql"));
            }
        }

        @Override
        void contract(Work work) {
            if (work.spec.flag("onContract")) {
                work.sql("run sql", work.require("sql"));
            }
        }

        @Override
        void rollback(Work work) {
            if (work.get("rollbackSql") != null) {
                work.sql("run rollbackSql", work.require("rollbackSql"));
            }
        }
    },

    /** Drops a table at contract; expand leaves it for the running version. */
    DROP_TABLE("expandDropTable") {
        @Override
        void reshape(MigrationSpec spec, String helper, Shape shape) {
            shape.dropTable(spec.table());
        }

        @Override
        void validate(Work work) {
            requireTable(work);
        }

        @Override
        void expand(Work work) {
            // the running version still uses the table
        }

        @Override
        void contract(Work work) {
            if (work.hasTable(work.table())) {
                work.sql("drop table " + work.table(), "DROP TABLE " + work.table());
            }
        }

        @Override
        void rollback(Work work) {
            // expand changed nothing
        }
    };

    /** How a kind's migration changes the shape the new version sees, where all its kind does it alike. */
    private enum Shaping {
        /** Only as its methods say. */
        OWN,
        /** A shadow column stands for the column under its name (PostgreSQL). */
        SHADOW,
        /** The new column replaces the old one under its new name. */
        PAIR
    }

    private final String changeName;
    private final Shaping shaping;

    Kind(String changeName) {
        this(changeName, Shaping.OWN);
    }

    Kind(String changeName, Shaping shaping) {
        this.changeName = changeName;
        this.shaping = shaping;
    }

    /** @return the Liquibase change name, e.g. {@code expandRenameColumn} */
    public String changeName() {
        return changeName;
    }

    /**
     * @param spec the migration
     * @return what its sync trigger keeps true, empty if it needs none
     */
    List<Rule> rules(MigrationSpec spec) {
        return List.of();
    }

    /** Checks the spec against the database before anything is changed. */
    abstract void validate(Work work);

    /**
     * Hides from the versions before this migration the physical columns and tables its expand
     * added (a shadow column, a pair's new column; else nothing unless overridden).
     *
     * @param spec   the migration
     * @param helper the suffix of its helper objects' names
     * @param shape  the shape, changed in place
     */
    void hide(MigrationSpec spec, String helper, Shape shape) {
        if (shaping == Shaping.SHADOW) {
            Shadow.columns(helper, shadowed(spec)).forEach(c -> shape.hideColumn(spec.table(), c));
        } else if (shaping == Shaping.PAIR) {
            shape.hideColumn(spec.table(), spec.require("newColumnName"));
        }
    }

    /**
     * Turns the shape of the version before this migration into the shape of the version after it
     * (a shadow column or a pair's new column in the old one's place; else nothing unless
     * overridden: a constraint or an index, which no view shows).
     *
     * @param spec   the migration
     * @param helper the suffix of its helper objects' names
     * @param shape  the shape, changed in place
     */
    void reshape(MigrationSpec spec, String helper, Shape shape) {
        if (shaping == Shaping.SHADOW) {
            List<String> columns = shadowed(spec);
            for (int i = 0; i < columns.size(); i++) {
                shape.replaceColumn(spec.table(), columns.get(i), columns.get(i), Shadow.column(helper, i));
            }
        } else if (shaping == Shaping.PAIR) {
            shape.replaceColumn(spec.table(), spec.require("columnName"), spec.require("newColumnName"),
                    spec.require("newColumnName"));
        }
    }

    /**
     * The default of a shadow column (PostgreSQL), as SQL, or null for none: the column's own unless
     * the migration changes it.
     */
    String shadowDefault(Work work, String column) {
        return Shadow.defaultOf(work, column);
    }

    /** Whether a shadow column keeps the NOT NULL of its column (as a NOT VALID check until contract). */
    boolean shadowKeepsNotNull() {
        return true;
    }

    /** Adds to the spec the facts needed to undo the expand, read before it changes anything. */
    MigrationSpec capture(Work work) {
        return work.spec;
    }

    abstract void expand(Work work);

    /** Checks, before anything changes, that the contract can go through. */
    void checkContract(Work work) {
        if (shaping == Shaping.SHADOW && work.dialect.isPostgres()) {
            List<String> columns = shadowed(work.spec);
            for (int i = 0; i < columns.size(); i++) {
                refuseToDropUniqueness(work, columns.get(i), Shadow.column(work.helper, i), "a shadow column does not"
                        + " take over the column's unique index (see Limits in the README): roll this migration back, or"
                        + " drop the uniqueness in a change set of its own first, then");
            }
        } else if (shaping == Shaping.PAIR) {
            String b = work.require("newColumnName");
            refuseToDropUniqueness(work, work.require("columnName"), b, "add expandAddUnique on " + b
                    + " in a change set of its own, expand, then");
        }
    }

    /** Before any migration of a contract is contracted: what would hold another one's contract (nothing unless overridden). */
    void beforeContract(Work work) {
    }

    abstract void contract(Work work);

    abstract void rollback(Work work);

    /** The columns shadow columns stand for, in order: {@code columnName}, else those of {@code columnNames}. */
    static List<String> shadowed(MigrationSpec spec) {
        String column = spec.get("columnName");
        return column != null ? List.of(column) : columns(spec.require("columnNames"));
    }

    /**
     * Refuses (PostgreSQL) a rule on a column that another migration not yet contracted or rolled back
     * gives a shadow column already: the new version's schema can show only one of them under the
     * column's name, so the other rule would never see the new version's writes.
     */
    static void requireNoOtherShadow(Work work) {
        if (!work.dialect.isPostgres() || !work.hasTable(PhaseTable.TABLE)) {
            return;
        }
        List<String> mine = shadowed(work.spec).stream().map(work.dialect::stored).toList();
        for (PhaseTable.Row row : work.catalog(() -> PhaseTable.all(work.connection))) {
            Kind kind = row.spec().kind();
            if (kind.shaping != Shaping.SHADOW || row.helper().equals(work.helper)
                    || !VersionSchemas.ACTIVE.contains(row.phase())
                    || !work.dialect.stored(row.spec().table()).equals(work.dialect.stored(work.table()))) {
                continue;
            }
            for (String column : shadowed(row.spec())) {
                if (mine.contains(work.dialect.stored(column))) {
                    throw work.error("column " + column + " has a shadow column already, for " + kind.changeName()
                            + " of " + row.ref() + ", which is " + row.phase() + ": one column can stand in for it in the"
                            + " new version, so two rules on it cannot both hold during expand. Put this change in a"
                            + " change set that runs after that one is contracted; this change changed nothing.", null);
                }
            }
        }
    }

    /** Drops the function that maps a unique rule's duplicates (PostgreSQL), once no trigger calls it. */
    static void dropDuplicateFunction(Work work) {
        String function = Shadow.duplicateName(work);
        List<String> parameters = new ArrayList<>(List.of("tid"));
        // the old columns' types are those of the parameters, and the same as their shadow columns' (after contract)
        for (String column : shadowed(work.spec)) {
            parameters.add(work.column(work.table(), column).type());
        }
        work.sql("drop the duplicate function", "DROP FUNCTION IF EXISTS " + function + "(" + String.join(", ", parameters)
                + ")");
    }

    /** Rollback of a rule: on PostgreSQL its shadow column goes, with the rule on it; on H2 the constraint. */
    static void rollbackConstraint(Work work) {
        if (work.dialect.isPostgres()) {
            Shadow.rollback(work);
            return;
        }
        work.dropConstraint(work.table(), work.require("constraintName"));
    }

    static List<String> columns(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList();
    }

    static void requireTable(Work work) {
        if (!work.hasTable(work.table())) {
            throw work.error("table " + work.table() + " does not exist. Fix the change set, then run expand again;"
                    + " nothing was changed.", null);
        }
    }

    static ColumnInfo requireColumn(Work work, String column) {
        Alias.refusePending(work, column);
        ColumnInfo info = work.column(work.table(), column);
        if (info == null) {
            throw work.error("table " + work.table() + " has no column " + column + ". Fix the change set, then run"
                    + " expand again; nothing was changed.", null);
        }
        return info;
    }

    static void requireNoColumn(Work work, String column) {
        Alias.refusePending(work, column);
        if (work.hasColumn(work.table(), column)) {
            throw work.error("table " + work.table() + " has a column " + column + " already. Pick another name, then"
                    + " run expand again; nothing was changed.", null);
        }
    }

    static void dropColumn(Work work, String column) {
        if (work.hasColumn(work.table(), column)) {
            work.sql("drop column " + column, "ALTER TABLE " + work.table() + " DROP COLUMN " + column);
        }
    }

    /**
     * Creates an index ({@code where}: partial, PostgreSQL only), redoing a build that was interrupted.
     * A concurrent build that fails on the lock timeout (it waits for every older transaction of the
     * database) leaves an invalid index, which the retried {@code IF NOT EXISTS} would keep: it is
     * dropped and built again, up to {@code lockRetries} more times.
     */
    static void createIndex(Work work, String name, String columns, boolean unique, String where) {
        String index = work.dialect.createIndex(name, work.table(), columns, unique);
        for (int build = 0; ; build++) {
            if (work.indexInvalid(name)) {
                if (build > work.settings.lockRetries()) {
                    throw work.error("index " + name + " was still invalid after " + build + " builds: each waits for"
                            + " the transactions running when it started, and a long one kept it waiting (PostgreSQL:"
                            + " see pg_stat_activity). End it;", null);
                }
                work.sql("drop the unfinished index " + name, work.dialect.dropIndex(name));
            }
            work.sql("create index " + name, where == null ? index : index + " WHERE " + where);
            if (!work.indexInvalid(name)) {
                return;
            }
        }
    }

    /** PostgreSQL validates the NOT VALID constraint; on H2 the rows it would reject are counted. */
    static void validateConstraint(Work work, String violationsQuery) {
        String name = work.require("constraintName");
        if (work.dialect.isPostgres()) {
            if (work.hasConstraint(work.table(), name)) {
                work.sql("validate constraint " + name, "ALTER TABLE " + work.table() + " VALIDATE CONSTRAINT " + name);
            }
            return;
        }
        long violations = work.count(violationsQuery);
        if (violations > 0) {
            throw work.error(violations + " existing row(s) violate constraint " + name + ". Fix them, then", null);
        }
    }

    /** Expand of rename and change type: a new column kept in sync with the old one, backfilled. */
    static void expandPair(Work work, String type, String up, boolean archived) {
        String a = work.require("columnName");
        String b = work.require("newColumnName");
        if (!work.hasColumn(work.table(), b)) {
            work.sql("add column " + b, "ALTER TABLE " + work.table() + " ADD COLUMN " + b + " " + type);
        }
        work.relax(a);
        work.syncTrigger(work.spec.kind().rules(work.spec));
        if (archived) {
            // after the trigger: a row the old version writes meanwhile gets its new value from the trigger,
            // and the restore's guard (the old value when archived) leaves it
            restore(work, b, a);
        }
        work.backfill(b, up, b + " IS NULL AND " + a + " IS NOT NULL");
        if (work.spec.flag("state.notNull")) {
            work.addCheckUnchecked(work.table(), work.name("rb_nn"), b + " IS NOT NULL");
        }
    }

    /**
     * Refuses to drop a unique column whose replacement is not unique: the uniqueness would go with
     * it, silently.
     */
    static void refuseToDropUniqueness(Work work, String column, String replacement, String advice) {
        if (work.hasColumn(work.table(), column) && work.hasColumn(work.table(), replacement)
                && work.uniqueOn(work.table(), column) && !work.uniqueOn(work.table(), replacement)) {
            throw work.error("column " + column + " is unique and " + replacement + " is not: contract would drop the"
                    + " uniqueness with " + column + ". To keep it, " + advice, null);
        }
    }

    static void contractPair(Work work) {
        String a = work.require("columnName");
        String b = work.require("newColumnName");
        work.dropSyncTrigger();
        work.dropConstraint(work.table(), work.name("rb_on"));
        dropColumn(work, a);
        if (work.spec.flag("state.notNull")) {
            work.setNotNullFromCheck(work.table(), b, work.name("rb_nn"));
        }
    }

    static void rollbackPair(Work work, boolean archived) {
        String a = work.require("columnName");
        String b = work.require("newColumnName");
        if (archived && work.hasColumn(work.table(), b)) {
            archive(work, b, a);
        }
        work.dropConstraint(work.table(), work.name("rb_nn"));
        work.dropSyncTrigger();
        dropColumn(work, b);
        work.unrelax(a);
    }

    /**
     * Keeps the values of a column only the new version knew, by key, in the archive table;
     * with {@code guard}, also that column's value, so a restore skips rows changed since.
     */
    static void archive(Work work, String column, String guard) {
        archive(work, column, guard, column + " IS NOT NULL");
    }

    /** Keeps, by key, the column's value (and the guard column's) of the rows matching {@code condition}. */
    static void archive(Work work, String column, String guard, String condition) {
        List<String> key = work.archiveKey();
        String archive = work.archiveTable();
        work.createArchiveSchema();
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            columns.add(key.get(i) + " AS rb_key_" + i);
        }
        String select = "SELECT " + String.join(", ", columns) + ", " + column + " AS rb_value"
                + (guard == null ? "" : ", " + guard + " AS rb_guard") + " FROM " + work.table() + " rb_row WHERE ";
        List<String> archiveKey = archiveKey(key.size());
        // a rollback interrupted while archiving starts the archive again: the column is still there
        List<String> create = new ArrayList<>(List.of("DROP TABLE IF EXISTS " + archive,
                "CREATE TABLE " + archive + " AS " + select + "1 = 0"));
        archiveKey.forEach(k -> create.add("ALTER TABLE " + archive + " ALTER COLUMN " + k + " SET NOT NULL"));
        // the restore looks each row up by key
        create.add("ALTER TABLE " + archive + " ADD PRIMARY KEY (" + String.join(", ", archiveKey) + ")");
        work.sql("archive " + column, create);
        work.inBatches("archive " + column, "INSERT INTO " + archive + " " + select, condition, false);
    }

    /** The archive's key columns, one for each of the table's key columns. */
    private static List<String> archiveKey(int size) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            columns.add("rb_key_" + i);
        }
        return columns;
    }

    /** Puts archived values back (rows whose guard column changed since are left) and drops the archive. */
    static void restore(Work work, String column, String guard) {
        String archive = work.archiveTable();
        if (!work.hasArchive()) {
            return;
        }
        List<String> key = work.archiveKey();
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            matches.add("rb_a.rb_key_" + i + " = rb_row." + key.get(i));
        }
        String match = String.join(" AND ", matches)
                + (guard == null ? "" : " AND rb_a.rb_guard IS NOT DISTINCT FROM rb_row." + guard);
        // batch by batch, as a backfill (the sync triggers leave restored values alone); an interrupted
        // restore is done again, the archive is dropped only after it
        if (work.dialect.isPostgres()) {
            // batches of the archive, each joined to the table by key: neither is read whole per batch
            List<String> rowKey = key.stream().map(k -> "rb_row." + k).toList();
            work.inBatches("restore archived " + column, archive, archiveKey(key.size()), rowKey, "UPDATE " + work.table()
                    + " rb_row SET " + column + " = rb_a.rb_value FROM " + archive + " rb_a WHERE " + match + " AND ",
                    "TRUE", false);
        } else {
            work.inBatches("restore archived " + column, "UPDATE " + work.table() + " rb_row SET " + column
                    + " = (SELECT rb_a.rb_value FROM " + archive + " rb_a WHERE " + match + ") WHERE ",
                    "EXISTS (SELECT 1 FROM " + archive + " rb_a WHERE " + match + ")", false);
        }
        work.sql("drop the archive of " + column, "DROP TABLE " + archive);
    }
}
