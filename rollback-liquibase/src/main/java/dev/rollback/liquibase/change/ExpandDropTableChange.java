package dev.rollback.liquibase.change;

import dev.rollback.liquibase.internal.Kind;
import liquibase.change.ChangeMetaData;
import liquibase.change.DatabaseChange;

/**
 * Drops a table at contract; expand leaves it for the running version.
 */
@DatabaseChange(name = "expandDropTable", description = "Drops a table at contract; expand leaves it for the running version", priority = ChangeMetaData.PRIORITY_DEFAULT,
        appliesTo = "table")
public class ExpandDropTableChange extends ExpandTableChange {


    /** Creates the change; Liquibase then sets its properties. */
    public ExpandDropTableChange() {
    }

    @Override
    Kind kind() {
        return Kind.DROP_TABLE;
    }
}
