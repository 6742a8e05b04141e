/**
 * What an application uses: {@link dev.rollback.spring.Rollbackable} on a bean method, its
 * stickiness key ({@link dev.rollback.spring.RollbackKey}, {@link dev.rollback.spring.RollbackKeyResolver})
 * and each feature's rollout ({@link dev.rollback.spring.FeatureRollouts}). The auto-configuration is in
 * {@code autoconfigure}, the proxying in {@code aop}, the actuator endpoint and health indicator in
 * {@code actuate}.
 */
@NullMarked
package dev.rollback.spring;

import org.jspecify.annotations.NullMarked;
