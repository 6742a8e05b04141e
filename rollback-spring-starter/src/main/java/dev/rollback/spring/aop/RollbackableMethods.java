package dev.rollback.spring.aop;

import dev.rollback.core.flag.FeatureNames;
import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds and checks the {@code @Rollbackable} methods of a class, so that a mistake fails the
 * start-up with the bean and the method named, not the first call.
 */
final class RollbackableMethods {

    private RollbackableMethods() {
    }

    /**
     * Returns the {@code @Rollbackable} methods of {@code type}, checked.
     *
     * @throws RollbackableDefinitionException at the first method declared wrongly
     */
    static List<GuardedMethod> inspect(String beanName, Class<?> type) {
        List<GuardedMethod> found = new ArrayList<>();
        ReflectionUtils.doWithMethods(type, method -> {
            Rollbackable rollbackable = AnnotatedElementUtils.findMergedAnnotation(method, Rollbackable.class);
            if (rollbackable != null && !method.isBridge() && !method.isSynthetic()) {
                found.add(check(beanName, type, method, rollbackable));
            }
        });
        return found;
    }

    private static GuardedMethod check(String beanName, Class<?> type, Method method, Rollbackable rollbackable) {
        String where = describe(type, method);
        try {
            FeatureNames.requireValid(rollbackable.value());
        } catch (IllegalArgumentException e) {
            throw new RollbackableDefinitionException(beanName, where + " names an invalid feature: " + e.getMessage(),
                    "Give @Rollbackable a valid feature name; it is also the flag's name.");
        }
        if (Modifier.isPrivate(method.getModifiers()) || Modifier.isFinal(method.getModifiers())
                || Modifier.isStatic(method.getModifiers())) {
            throw new RollbackableDefinitionException(beanName, where + " is private, final or static, so no proxy"
                    + " can intercept its calls and the guard would never run.",
                    "Make the @Rollbackable method public (or protected or package-private), not final and not static.");
        }
        return new GuardedMethod(rollbackable.value(), method, fallback(beanName, type, method, rollbackable),
                keyParameter(beanName, where, method));
    }

    private static Method fallback(String beanName, Class<?> type, Method method, Rollbackable rollbackable) {
        String name = rollbackable.fallbackMethod();
        if (name.isEmpty()) {
            return null;
        }
        String where = describe(type, method);
        String wanted = name + "(" + parameters(method) + ")";
        Method fallback = ReflectionUtils.findMethod(type, name, method.getParameterTypes());
        if (fallback == null) {
            throw new RollbackableDefinitionException(beanName, where + " names fallbackMethod '" + name
                    + "', but " + type.getName() + " has no method " + wanted + ".",
                    "Declare " + method.getReturnType().getSimpleName() + " " + wanted + " in " + type.getSimpleName()
                            + " (same parameter types as the @Rollbackable method), or correct fallbackMethod.");
        }
        if (!ClassUtils.isAssignable(method.getReturnType(), fallback.getReturnType())) {
            throw new RollbackableDefinitionException(beanName, where + " returns "
                    + method.getReturnType().getName() + ", but its fallback " + wanted + " returns "
                    + fallback.getReturnType().getName() + ".",
                    "Make " + wanted + " return " + method.getReturnType().getSimpleName() + " or a subtype.");
        }
        if (Modifier.isStatic(fallback.getModifiers())) {
            throw new RollbackableDefinitionException(beanName, where + " names a static fallback " + wanted + ".",
                    "Make the fallback an instance method of the bean.");
        }
        if (fallback.equals(method)) {
            throw new RollbackableDefinitionException(beanName, where + " names itself as its fallback.",
                    "Name the method that is the old path.");
        }
        ReflectionUtils.makeAccessible(fallback);
        return fallback;
    }

    private static int keyParameter(String beanName, String where, Method method) {
        int index = -1;
        for (int i = 0; i < method.getParameterCount(); i++) {
            if (method.getParameters()[i].isAnnotationPresent(RollbackKey.class)) {
                if (index >= 0) {
                    throw new RollbackableDefinitionException(beanName, where + " has more than one @RollbackKey"
                            + " parameter (" + (index + 1) + " and " + (i + 1) + ").",
                            "Mark one parameter with @RollbackKey, or use a RollbackKeyResolver bean.");
                }
                index = i;
            }
        }
        return index;
    }

    static String describe(Class<?> type, Method method) {
        return "@Rollbackable method " + type.getName() + "." + method.getName() + "(" + parameters(method) + ")";
    }

    private static String parameters(Method method) {
        return Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "));
    }
}
