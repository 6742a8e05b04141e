package dev.rollback.examples.checkout.order;

/**
 * A customer's name split the way the new checkout stores it: the last word is the last name, the
 * rest the first name ({@code "Ada King Lovelace"} is {@code "Ada King"} and {@code "Lovelace"}); a
 * single word is a last name with an empty first name. The same rule as the expand migration's
 * backfill, so old and new rows look alike.
 *
 * @param first the first name(s), possibly empty
 * @param last  the last name
 */
public record CustomerName(String first, String last) {

    /**
     * Splits a full name.
     *
     * @param fullName e.g. {@code Ada Lovelace}; surrounding blanks are ignored
     * @return its parts
     */
    public static CustomerName split(String fullName) {
        String name = fullName.strip();
        int space = name.lastIndexOf(' ');
        return space < 0 ? new CustomerName("", name)
                : new CustomerName(name.substring(0, space).strip(), name.substring(space + 1));
    }

    /**
     * Returns the full name, as the old checkout stores it.
     *
     * @return first and last name, separated by a space
     */
    public String full() {
        return first.isEmpty() ? last : first + " " + last;
    }
}
