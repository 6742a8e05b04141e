package dev.rollback.agent.config;

import java.time.Duration;

/** Checks shared by the configuration records; each names the key and the value. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static String requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + ": " + (value == null ? "missing" : "'" + value + "' is blank")
                    + "; a non-empty text is required");
        }
        return value;
    }

    static Duration requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigException(key + ": " + value + " is not a positive duration; use e.g. 30s, 5m or PT1M");
        }
        return value;
    }

    static Duration requireNotNegative(String key, Duration value) {
        if (value == null || value.isNegative()) {
            throw new ConfigException(key + ": " + value + " is negative; use zero or more, e.g. 0s or 10m");
        }
        return value;
    }

    static int requireAtLeast(String key, int value, int min) {
        if (value < min) {
            throw new ConfigException(key + ": " + value + " is too small; use at least " + min);
        }
        return value;
    }
}
