package dev.rollback.spring.aop;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.ReleaseGuard;
import java.util.function.Supplier;

/**
 * A {@code @Rollbackable} method with its feature's guard, looked up once (when all singletons
 * exist, or at the method's first call if that comes sooner) rather than on every call.
 */
final class GuardedCall {

    private final GuardedMethod method;
    private volatile ReleaseGuard guard;

    GuardedCall(GuardedMethod method) {
        this.method = method;
    }

    GuardedMethod method() {
        return method;
    }

    /** Returns the feature's guard, asking {@code registry} for it only the first time. */
    ReleaseGuard guard(Supplier<RollbackRegistry> registry) {
        ReleaseGuard resolved = guard;
        if (resolved == null) {
            // Two first calls at once may both ask; the registry gives both the same guard.
            resolved = registry.get().guard(method.feature());
            guard = resolved;
        }
        return resolved;
    }
}
