package dev.rollback.core.ledger;

import org.jspecify.annotations.Nullable;

/**
 * The rules for text that goes into the ledger, applied where it enters (the registry, the guard,
 * the agent) rather than where the database would refuse it, so that one bad string can never
 * stop the records behind it:
 * <ul>
 * <li>free text (a rollback reason) is made one line: control characters, line and paragraph
 *     separators and the backslash are {@linkplain #escape(String) escaped visibly}, so nothing is
 *     lost, no log line can be forged, and PostgreSQL, which refuses the NUL character, takes it;
 *     then it is cut to {@link #MAX_REASON_LENGTH} characters with a note of its full length;</li>
 * <li>names (actor, service, version, instance) are refused with an
 *     {@link IllegalArgumentException} naming the value when they hold a control character or are
 *     longer than {@link #MAX_NAME_LENGTH} characters.</li>
 * </ul>
 */
public final class LedgerText {

    /** Longest rollback reason kept, in characters; a longer reason is cut to this length. */
    public static final int MAX_REASON_LENGTH = 2000;

    /** Longest name (actor, service, version, instance, feature) the ledger keeps, in characters. */
    public static final int MAX_NAME_LENGTH = 255;

    private static final int SHOWN_LENGTH = 80;

    private LedgerText() {
    }

    /**
     * Escapes a text so that it is one line of printable characters and can be read back exactly:
     * {@code \} becomes {@code \\}, newline, carriage return and tab become {@code \n}, {@code \r}
     * and {@code \t}, and every other control character (C0, DEL, C1) and the line and paragraph
     * separators U+2028 and U+2029 become {@code \}{@code uXXXX}.
     *
     * @param text the text, or {@code null}
     * @return the escaped text; the same instance when there was nothing to escape, {@code null} for
     *         {@code null}
     */
    public static @Nullable String escape(@Nullable String text) {
        if (text == null || !needsEscaping(text)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (isControl(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /**
     * Makes a rollback reason fit for the ledger and the log: {@linkplain #escape(String) escaped}
     * to one line, then, if longer than {@link #MAX_REASON_LENGTH} characters, cut with a note
     * saying how long it was, e.g. {@code "...[cut from 102400 characters]"}.
     *
     * @param reason the reason, not {@code null}
     * @return the reason as the ledger keeps it
     */
    public static String reason(String reason) {
        String line = escape(reason);
        if (line.length() <= MAX_REASON_LENGTH) {
            return line;
        }
        String note = "...[cut from " + line.length() + " characters]";
        return cut(line, MAX_REASON_LENGTH - note.length()) + note;
    }

    /**
     * Checks a name the ledger keeps (an actor, a service, a version, an instance id).
     *
     * @param what  what the name is, for the message, e.g. {@code "actor"}
     * @param value the name; {@code null} passes, as the ledger's optional columns allow it
     * @return the name
     * @throws IllegalArgumentException if it holds a control character or is longer than
     *                                  {@link #MAX_NAME_LENGTH} characters
     */
    public static String requireName(String what, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("The " + what + " '" + escape(cut(value, SHOWN_LENGTH)) + "...' is "
                    + value.length() + " characters long; the rollback ledger keeps at most " + MAX_NAME_LENGTH);
        }
        if (needsEscaping(value) && value.chars().anyMatch(c -> isControl((char) c))) {
            throw new IllegalArgumentException("The " + what + " '" + escape(value)
                    + "' holds a control character; use printable characters only");
        }
        return value;
    }

    /**
     * Cuts a text to at most a number of characters, never between the two halves of a surrogate
     * pair.
     *
     * @param text      the text
     * @param maxLength the most characters kept, at least 1
     * @return the text or its beginning
     */
    public static String cut(String text, int maxLength) {
        if (text.length() <= maxLength) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
        return text.substring(0, end);
    }

    private static boolean needsEscaping(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || isControl(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
