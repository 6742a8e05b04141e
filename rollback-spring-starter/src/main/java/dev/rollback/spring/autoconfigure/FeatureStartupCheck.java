package dev.rollback.spring.autoconfigure;

import dev.rollback.spring.FeatureRollout;
import dev.rollback.spring.FeatureRollouts;
import dev.rollback.spring.RollbackKeyResolver;
import dev.rollback.spring.Rollbackable;
import dev.rollback.spring.aop.RollbackableBeanPostProcessor;
import dev.rollback.spring.internal.ClosestName;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What is checked of the features once every singleton exists, when the {@code @Rollbackable}
 * methods are known:
 * <ul>
 * <li>each {@code rollback.features.<name>} names a {@code @Rollbackable} feature (of a bean created
 *     or, if lazy, declared); one that does not (a typo, {@code pricing_v2} for {@code pricing-v2}) fails start-up naming the closest
 *     feature, since its settings would otherwise silently apply to nothing;</li>
 * <li>each feature's rollout and what decides it is logged once, at INFO;</li>
 * <li>a feature whose method has no {@code @RollbackKey}, when the application has no
 *     {@link RollbackKeyResolver} and the rollout is or may be partial, is warned about: each call
 *     is placed at random, so one user flips between the new and the old path.</li>
 * </ul>
 */
public final class FeatureStartupCheck implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FeatureStartupCheck.class);

    private final RollbackProperties properties;
    private final ObjectProvider<RollbackableBeanPostProcessor> postProcessor;
    private final ObjectProvider<FeatureRollouts> rollouts;
    private final ObjectProvider<RollbackKeyResolver> keyResolver;
    private final ListableBeanFactory beanFactory;

    /**
     * Creates the check.
     *
     * @param properties    the properties
     * @param postProcessor the proxying, which knows the {@code @Rollbackable} features
     * @param rollouts      each feature's rollout
     * @param keyResolver   the application's key resolver, if any
     * @param beanFactory   the beans, for the {@code @Rollbackable} methods of those not created yet
     */
    public FeatureStartupCheck(RollbackProperties properties,
                               ObjectProvider<RollbackableBeanPostProcessor> postProcessor,
                               ObjectProvider<FeatureRollouts> rollouts,
                               ObjectProvider<RollbackKeyResolver> keyResolver,
                               ListableBeanFactory beanFactory) {
        this.properties = properties;
        this.postProcessor = postProcessor;
        this.rollouts = rollouts;
        this.keyResolver = keyResolver;
        this.beanFactory = beanFactory;
    }

    /**
     * Checks and logs the features.
     *
     * @throws InvalidRollbackPropertyException if {@code rollback.features.<name>} names no
     *                                          {@code @Rollbackable} feature
     */
    @Override
    public void afterSingletonsInstantiated() {
        RollbackableBeanPostProcessor proxying = postProcessor.getIfAvailable();
        if (proxying == null) {
            return;
        }
        Set<String> features = new TreeSet<>(proxying.features());
        Set<String> declared = new TreeSet<>(features);
        for (String configured : new TreeSet<>(properties.getFeatures().keySet())) {
            if (!declared.contains(configured) && declared.size() == features.size()) {
                declared.addAll(declaredFeatures()); // lazy beans are not created yet
            }
            if (!declared.contains(configured)) {
                throw new InvalidRollbackPropertyException("rollback.features." + configured, configured,
                        "no @Rollbackable method has the feature '" + configured + "'"
                                + (declared.isEmpty() ? "; there is no @Rollbackable method"
                                        : ClosestName.suggestion(configured, declared) + " (features: " + declared + ")"),
                        null);
            }
        }
        FeatureRollouts featureRollouts = rollouts.getIfAvailable();
        if (featureRollouts == null) {
            return;
        }
        boolean resolver = keyResolver.getIfAvailable() != null;
        Set<String> withoutKey = proxying.featuresWithoutKey();
        for (String feature : features) {
            FeatureRollout rollout = featureRollouts.rollout(feature);
            log.info("Feature '{}': rollout {}", feature, rollout);
            if (rollout.partial() && withoutKey.contains(feature) && !resolver) {
                log.warn("Feature '{}' has a partial rollout ({}) but its @Rollbackable method has no @RollbackKey"
                        + " parameter and there is no RollbackKeyResolver bean: each call takes the new or the old"
                        + " path at random, so the same user flips between them. Mark the user's or the request's"
                        + " key with @RollbackKey, or declare a RollbackKeyResolver bean.", feature, rollout);
            }
        }
    }

    /** The features of the {@code @Rollbackable} methods of every bean definition, created or not. */
    private Set<String> declaredFeatures() {
        Set<String> declared = new TreeSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(name, false);
            if (type != null) {
                ReflectionUtils.doWithMethods(ClassUtils.getUserClass(type), method -> {
                    Rollbackable rollbackable = AnnotatedElementUtils.findMergedAnnotation(method, Rollbackable.class);
                    if (rollbackable != null) {
                        declared.add(rollbackable.value());
                    }
                });
            }
        }
        return declared;
    }
}
