package dev.rollback.spring.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The "did you mean" of the starter's start-up messages: the known name nearest to a typed one.
 */
public final class ClosestName {

    private ClosestName() {
    }

    /**
     * Returns the candidate nearest to a typed name in edit distance, if it is near enough to be a
     * typo of it (at most 3 edits, or a third of the typed name's length).
     *
     * @param typed      the name as typed
     * @param candidates the names that exist
     * @return the nearest candidate, or empty if none is near enough
     */
    public static Optional<String> of(String typed, Collection<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(candidate -> distance(typed, candidate)))
                .filter(candidate -> distance(typed, candidate) <= Math.max(3, typed.length() / 3));
    }

    /**
     * Returns {@code "; did you mean '<closest>'?"} for the nearest candidate, or an empty string.
     *
     * @param typed      the name as typed
     * @param candidates the names that exist
     * @return the suggestion, to append to a message
     */
    public static String suggestion(String typed, Collection<String> candidates) {
        return of(typed, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
