package dev.rollback.agent.config;

/**
 * How many of a service's instances must ask for a revert before the service is reverted: either a
 * number of instances or a percentage of the instances seen in the last poll, never fewer than one.
 *
 * @param count   a number of instances, or 0 when a percentage is used
 * @param percent a percentage of the instances seen, 1..100, or 0 when a count is used
 */
public record Quorum(int count, int percent) {

    /** Default: one instance is enough. */
    public static final Quorum DEFAULT = new Quorum(1, 0);

    /**
     * Checks that exactly one of the two is set.
     */
    public Quorum {
        if ((count > 0) == (percent > 0) || count < 0 || percent < 0 || percent > 100) {
            throw new ConfigException("quorum: count " + count + " and percent " + percent
                    + " are not one positive count or one percentage 1..100");
        }
    }

    /**
     * Reads a quorum as written in the configuration: {@code 2} or {@code 50%}.
     *
     * @param key  the key, for the message
     * @param text the text
     * @return the quorum
     */
    public static Quorum parse(String key, String text) {
        String t = text.strip();
        try {
            if (t.endsWith("%")) {
                int p = Integer.parseInt(t.substring(0, t.length() - 1).strip());
                if (p < 1 || p > 100) {
                    throw new ConfigException(key + ": " + text + " is not a percentage 1%..100%");
                }
                return new Quorum(0, p);
            }
            int c = Integer.parseInt(t);
            if (c < 1) {
                throw new ConfigException(key + ": " + text + " is not a number of instances (1 or more)");
            }
            return new Quorum(c, 0);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + text + "' is neither a number of instances (e.g. 2) nor a"
                    + " percentage (e.g. 50%)");
        }
    }

    /**
     * Returns how many instances must ask, out of those seen.
     *
     * @param seen the instances seen in the last poll
     * @return at least one
     */
    public int required(int seen) {
        int n = count > 0 ? count : (int) Math.ceil(seen * percent / 100.0);
        return Math.max(1, n);
    }

    @Override
    public String toString() {
        return count > 0 ? Integer.toString(count) : percent + "%";
    }
}
