package dev.rollback.spring.aop;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.spring.RollbackKeyResolver;
import dev.rollback.spring.Rollbackable;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;

/**
 * Proxies the beans that have {@link Rollbackable} methods, so that each call runs through the
 * feature's guard; checks every such method when its bean is created (fallback, key parameter,
 * feature name, and, unless turned off, calls of the bean to its own guarded methods), and creates
 * the guards of every feature found once all singletons exist, so that health and the endpoint list
 * them before their first call.
 *
 * <p>Works like Spring's {@code @Async} and {@code @Validated} support: the advisor is added to an
 * existing proxy, ahead of its other advisors, or a class-based proxy is created. So the guard is the
 * outermost advice: the new path runs through the bean's other advice (a transaction, say), the old
 * path is called on the target directly.
 */
public final class RollbackableBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
        implements SmartInitializingSingleton {

    private static final long serialVersionUID = 1L;

    private final transient ObjectProvider<RollbackRegistry> registry;
    /** The registry, looked up once: a bean lookup costs more than the guard. */
    private transient volatile RollbackRegistry rollbackRegistry;
    private final boolean rejectSelfInvocation;
    private final transient Map<Method, GuardedCall> methods = new ConcurrentHashMap<>();
    private final transient Set<String> features = ConcurrentHashMap.newKeySet();
    private final transient Set<String> keyless = ConcurrentHashMap.newKeySet();

    /**
     * Creates the post-processor.
     *
     * @param registry             the registry of the features' guards, looked up when first needed
     * @param keyResolver          the resolver of stickiness keys for methods without {@code @RollbackKey}, if any
     * @param rejectSelfInvocation whether a bean that calls its own {@code @Rollbackable} method fails the start-up
     */
    public RollbackableBeanPostProcessor(ObjectProvider<RollbackRegistry> registry,
                                         ObjectProvider<RollbackKeyResolver> keyResolver,
                                         boolean rejectSelfInvocation) {
        this.registry = registry;
        this.rejectSelfInvocation = rejectSelfInvocation;
        this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null, Rollbackable.class, true),
                new RollbackableInterceptor(this::method, this::registry, keyResolver));
        setBeforeExistingAdvisors(true);
        setProxyTargetClass(true);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        List<GuardedMethod> guarded = RollbackableMethods.inspect(beanName, type);
        if (guarded.isEmpty()) {
            return bean;
        }
        if (rejectSelfInvocation) {
            List<String> selfCalls = SelfInvocations.find(type, guarded);
            if (!selfCalls.isEmpty()) {
                throw new RollbackableDefinitionException(beanName, type.getName() + " calls its own @Rollbackable"
                        + " method, which bypasses the guard (a proxy sees only calls from outside the bean): "
                        + String.join("; ", selfCalls) + ".",
                        "Call the @Rollbackable method from another bean, or move it to a bean of its own. If the"
                                + " call goes through an injected reference to the bean's proxy, set"
                                + " rollback.reject-self-invocation=false.");
            }
        }
        for (GuardedMethod method : guarded) {
            methods.put(method.method(), new GuardedCall(method));
            features.add(method.feature());
            if (method.keyParameter() < 0) {
                keyless.add(method.feature());
            }
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private GuardedCall method(MethodInvocation invocation) {
        Method called = invocation.getMethod();
        GuardedCall method = methods.get(called);
        if (method != null) {
            return method;
        }
        Class<?> type = AopUtils.getTargetClass(invocation.getThis());
        Method specific = AopUtils.getMostSpecificMethod(called, type);
        return methods.computeIfAbsent(called, m -> RollbackableMethods.inspect("?", type).stream()
                .filter(g -> g.method().equals(specific))
                .findFirst()
                .map(GuardedCall::new)
                .orElseThrow(() -> new IllegalStateException("no @Rollbackable method " + specific)));
    }

    /**
     * Returns the features of the {@code @Rollbackable} methods of the beans created so far.
     *
     * @return the feature names
     */
    public Set<String> features() {
        return Set.copyOf(features);
    }

    /**
     * Returns the features with a {@code @Rollbackable} method that has no {@code @RollbackKey}
     * parameter, among the beans created so far.
     *
     * @return the feature names
     */
    public Set<String> featuresWithoutKey() {
        return Set.copyOf(keyless);
    }

    private RollbackRegistry registry() {
        RollbackRegistry resolved = rollbackRegistry;
        if (resolved == null) {
            resolved = registry.getObject();
            rollbackRegistry = resolved;
        }
        return resolved;
    }

    /** Creates the guard of every feature found, so that health and the endpoint list them before a call. */
    @Override
    public void afterSingletonsInstantiated() {
        if (registry.getIfAvailable() != null) {
            methods.values().forEach(call -> call.guard(this::registry));
        }
    }
}
