package dev.rollback.core.flag;

/**
 * The rule for feature names, which are also flag names: not null, not blank, at most
 * {@value #MAXIMUM_LENGTH} characters, no control characters.
 */
public final class FeatureNames {

    /** The longest feature name accepted. */
    public static final int MAXIMUM_LENGTH = 200;

    private FeatureNames() {
    }

    /**
     * Returns {@code feature} if it is a valid feature name.
     *
     * @param feature the name to check
     * @return the name
     * @throws IllegalArgumentException naming the bad value if it is not valid
     */
    public static String requireValid(String feature) {
        if (feature == null || feature.isBlank()) {
            throw new IllegalArgumentException("feature name must not be null or blank, was "
                    + (feature == null ? "null" : "'" + feature + "'"));
        }
        if (feature.length() > MAXIMUM_LENGTH) {
            throw new IllegalArgumentException("feature name must be at most " + MAXIMUM_LENGTH
                    + " characters, was " + feature.length() + ": '" + feature.substring(0, 40) + "...'");
        }
        for (int i = 0; i < feature.length(); i++) {
            if (Character.isISOControl(feature.charAt(i))) {
                throw new IllegalArgumentException("feature name must not contain control characters, was '"
                        + feature.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return feature;
    }
}
