package dev.rollback.core.flag;

/** The flag source that enables every feature for every call. */
enum AllEnabledFlagSource implements FlagSource {
    INSTANCE;

    @Override
    public boolean isEnabled(String feature, String stickinessKey) {
        return true;
    }

    @Override
    public String toString() {
        return "FlagSource.allEnabled()";
    }
}
