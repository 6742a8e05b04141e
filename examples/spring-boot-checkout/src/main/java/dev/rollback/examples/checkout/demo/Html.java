package dev.rollback.examples.checkout.demo;

/** HTML escaping for the report. */
final class Html {

    private Html() {
    }

    /**
     * Escapes text for an HTML element or attribute.
     *
     * @param text any text, or {@code null}
     * @return the text with {@code & < > " '} escaped; empty for {@code null}
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
