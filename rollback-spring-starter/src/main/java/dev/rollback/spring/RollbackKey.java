package dev.rollback.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link Rollbackable} method whose value is the call's stickiness key (a
 * user id, a session id): the same key takes the same path while the rollout share is unchanged.
 * The key is the argument's {@code toString()}; a {@code null} argument means no key. At most one
 * parameter of a method may carry it. Methods without it use the application's
 * {@link RollbackKeyResolver} bean, if there is one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RollbackKey {
}
