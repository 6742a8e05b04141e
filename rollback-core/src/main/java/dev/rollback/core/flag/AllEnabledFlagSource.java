package dev.rollback.core.flag;

import org.jspecify.annotations.Nullable;

/** The flag source that enables every feature for every call. */
enum AllEnabledFlagSource implements FlagSource {
    INSTANCE;

    @Override
    public boolean isEnabled(String feature, @Nullable String stickinessKey) {
        return true;
    }

    @Override
    public String toString() {
        return "FlagSource.allEnabled()";
    }
}
