package dev.rollback.liquibase.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The column names an SQL expression of a change mentions ({@code where}, {@code condition},
 * {@code fillExpression}, {@code upExpression}, {@code downExpression}), so that one naming a column
 * whose rename is pending can be refused as a change naming it by a property is.
 */
public final class SqlNames {

    /** The properties of a change that hold an SQL expression over the columns of its table. */
    public static final List<String> EXPRESSIONS = List.of("where", "condition", "fillExpression", "upExpression",
            "downExpression");

    private SqlNames() {
    }

    /**
     * The identifiers of an expression that may name a column: unquoted ones in lower case, quoted ones
     * as written; not those inside string literals, nor a name directly followed by {@code (} (a
     * function). A qualified name gives each of its parts.
     *
     * @param sql the expression
     * @return its identifiers, in order of first appearance
     */
    public static Set<String> identifiers(String sql) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closing(sql, i, c);
                if (c == '"') {
                    names.add(sql.substring(i + 1, end).replace("\"\"", "\""));
                }
                i = end + 1;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
                        || sql.charAt(end) == '$')) {
                    end++;
                }
                int next = end;
                while (next < sql.length() && Character.isWhitespace(sql.charAt(next))) {
                    next++;
                }
                if (next == sql.length() || sql.charAt(next) != '(') {
                    names.add(sql.substring(i, end).toLowerCase(Locale.ROOT));
                }
                i = end;
            } else if (Character.isDigit(c)) {
                while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++; // a number such as 1e5 is no name
                }
            } else {
                i++;
            }
        }
        return names;
    }

    /**
     * The index of the quote that closes the one at {@code start} (a doubled quote is part of the text),
     * the length of the text if none does.
     */
    private static int closing(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return sql.length(); // unterminated: the rest is text
    }
}
