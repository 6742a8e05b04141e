package dev.rollback.liquibase.internal;

/**
 * What a sync trigger keeps true while a migration is expanded. Expressions are SQL over the row's
 * columns by name.
 */
public sealed interface Rule {

    /**
     * A column only the new version sees, derived from the old version's row: where the writer's
     * version is known, every write of the old version sets it (so it follows the columns it is
     * derived from); else rows written without it get the expression.
     *
     * @param column     the column
     * @param expression its value for rows written without it
     */
    record Fill(String column, String expression) implements Rule {
    }

    /**
     * A column the new version no longer sees: rows it writes get the expression where the column is
     * null; the old version's writes are left as they are.
     *
     * @param column     the column
     * @param expression its value for rows the new version writes
     */
    record Default(String column, String expression) implements Rule {
    }

    /**
     * Two columns that hold the same value in two shapes: the old version writes {@code a}, the new
     * one {@code b}; a write to one sets the other.
     *
     * @param a    the column the old version knows
     * @param b    the column the new version knows
     * @param aToB the value of {@code b} from the row with {@code a} set
     * @param bToA the value of {@code a} from the row with {@code b} set
     */
    record Pair(String a, String b, String aToB, String bToA) implements Rule {
    }

    /**
     * Returns whether an expression is just one column's name, so it needs no evaluation.
     *
     * @param expression the expression
     * @return whether it is a plain identifier
     */
    static boolean isIdentifier(String expression) {
        return expression.strip().matches("[A-Za-z_][A-Za-z0-9_]*");
    }
}
