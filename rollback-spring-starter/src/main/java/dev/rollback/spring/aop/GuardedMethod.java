package dev.rollback.spring.aop;

import java.lang.reflect.Method;

/**
 * A {@code @Rollbackable} method as checked at start-up.
 *
 * @param feature          the feature
 * @param method           the new path
 * @param fallback         the old path, or {@code null} for a feature with no old path
 * @param keyParameter     the index of the {@code @RollbackKey} parameter, or -1
 */
record GuardedMethod(String feature, Method method, Method fallback, int keyParameter) {
}
