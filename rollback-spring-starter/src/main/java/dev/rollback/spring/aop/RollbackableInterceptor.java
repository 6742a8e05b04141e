package dev.rollback.spring.aop;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.core.guard.ReleaseGuard;
import dev.rollback.spring.RollbackKeyResolver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a {@code @Rollbackable} method through its feature's guard: the invocation is the new path,
 * the fallback method on the target is the old path.
 */
final class RollbackableInterceptor implements MethodInterceptor {

    private final Function<MethodInvocation, GuardedCall> calls;
    private final Supplier<RollbackRegistry> registry;
    private final ObjectProvider<RollbackKeyResolver> keyResolver;
    /** Looked up on the first call, not per call: a bean lookup costs more than the guard. */
    private volatile Optional<RollbackKeyResolver> resolver;

    RollbackableInterceptor(Function<MethodInvocation, GuardedCall> calls, Supplier<RollbackRegistry> registry,
                            ObjectProvider<RollbackKeyResolver> keyResolver) {
        this.calls = calls;
        this.registry = registry;
        this.keyResolver = keyResolver;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        GuardedCall call = calls.apply(invocation);
        GuardedMethod method = call.method();
        ReleaseGuard guard = call.guard(registry);
        Supplier<Object> newPath = () -> proceed(invocation);
        try {
            if (method.fallback() == null) {
                return guard.call(newPath);
            }
            // The new path may change the array it is given; the old path gets the arguments as called.
            Object[] arguments = invocation.getArguments().clone();
            Object target = invocation.getThis();
            return guard.call(key(method, arguments), newPath,
                    () -> invoke(method.fallback(), target, arguments));
        } catch (CheckedFailure failure) {
            throw failure.getCause();
        }
    }

    private String key(GuardedMethod method, Object[] arguments) {
        if (method.keyParameter() >= 0) {
            Object key = arguments[method.keyParameter()];
            return key == null ? null : key.toString();
        }
        Optional<RollbackKeyResolver> keys = resolver;
        if (keys == null) {
            keys = Optional.ofNullable(keyResolver.getIfAvailable());
            resolver = keys;
        }
        return keys.map(r -> r.resolve(method.feature(), method.method(), arguments)).orElse(null);
    }

    private static Object proceed(MethodInvocation invocation) {
        try {
            return invocation.proceed();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CheckedFailure(t);
        }
    }

    private static Object invoke(Method fallback, Object target, Object[] arguments) {
        try {
            return fallback.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new CheckedFailure(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call fallback " + fallback, e);
        }
    }

    /**
     * Carries a checked exception through the guard, which takes suppliers; it counts as a failure of
     * the path that threw it, and the caller gets the checked exception itself.
     */
    private static final class CheckedFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        CheckedFailure(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
