package dev.rollback.spring;

import java.lang.reflect.Method;

/**
 * Finds the stickiness key of a call to a {@link Rollbackable} method that has no {@link RollbackKey}
 * parameter, e.g. from the current request's user. Define one as a bean; the starter defines none.
 * Called on the calling thread of every such call, so it must be fast and thread-safe.
 */
@FunctionalInterface
public interface RollbackKeyResolver {

    /**
     * Returns the stickiness key of a call.
     *
     * @param feature   the feature
     * @param method    the {@code @Rollbackable} method called
     * @param arguments its arguments; do not modify
     * @return the key, or {@code null} for none (the call is then placed at random)
     */
    String resolve(String feature, Method method, Object[] arguments);
}
