package dev.rollback.spring.aop;

import dev.rollback.core.flag.FeatureNames;
import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import dev.rollback.spring.internal.ClosestName;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
        String unproxyable = unproxyable(method.getModifiers());
        if (unproxyable != null) {
            throw new RollbackableDefinitionException(beanName, where + " is " + unproxyable + ", so no proxy"
                    + " can intercept its calls and the guard would never run.",
                    "Make the @Rollbackable method public (or protected or package-private), not final and not static.");
        }
        return new GuardedMethod(rollbackable.value(), method, fallback(beanName, type, method, rollbackable),
                keyParameter(beanName, where, method));
    }

    /** Which of private, final and static a method is, e.g. {@code "final and static"}, or {@code null}. */
    private static String unproxyable(int modifiers) {
        List<String> which = new ArrayList<>();
        if (Modifier.isPrivate(modifiers)) {
            which.add("private");
        }
        if (Modifier.isFinal(modifiers)) {
            which.add("final");
        }
        if (Modifier.isStatic(modifiers)) {
            which.add("static");
        }
        return which.isEmpty() ? null : String.join(" and ", which);
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
            throw missingFallback(beanName, type, method, name, wanted);
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

    /**
     * The failure for a fallback that is not there: the methods of that name with other parameters,
     * else the closest name among the methods with the right parameters.
     */
    private static RollbackableDefinitionException missingFallback(String beanName, Class<?> type, Method method,
                                                                   String name, String wanted) {
        List<String> sameName = new ArrayList<>();
        Set<String> sameParameters = new TreeSet<>();
        ReflectionUtils.doWithMethods(type, candidate -> {
            if (candidate.getName().equals(name)) {
                sameName.add(name + "(" + parameters(candidate) + ")");
            } else if (!candidate.equals(method) && Arrays.equals(candidate.getParameterTypes(), method.getParameterTypes())) {
                sameParameters.add(candidate.getName());
            }
        }, candidate -> !candidate.isBridge() && !candidate.isSynthetic() && candidate.getDeclaringClass() != Object.class);
        String declare = "declare " + method.getReturnType().getSimpleName() + " " + wanted + " in " + type.getSimpleName()
                + " (same parameter types as the @Rollbackable method)";
        String problem = describe(type, method) + " names fallbackMethod '" + name + "', but " + type.getName()
                + " has no method " + wanted;
        if (!sameName.isEmpty()) {
            return new RollbackableDefinitionException(beanName, problem + "; it has " + String.join(", ", sameName)
                    + ", with other parameters.", "Give the fallback the parameters " + wanted + ".");
        }
        return ClosestName.of(name, sameParameters)
                .map(closest -> new RollbackableDefinitionException(beanName, problem + "; did you mean '" + closest
                        + "'?", "Set fallbackMethod = \"" + closest + "\", or " + declare + "."))
                .orElseGet(() -> new RollbackableDefinitionException(beanName, problem + ".",
                        "Correct fallbackMethod, or " + declare + "."));
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
