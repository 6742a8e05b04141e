package dev.rollback.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring bean method as the new path of a guarded feature: every call goes through the
 * feature's {@code ReleaseGuard}.
 *
 * <pre>{@code
 * @Rollbackable(value = "checkout-v2", fallbackMethod = "checkoutV1")
 * public Receipt checkoutV2(@RollbackKey String user, Order order) { ... }
 *
 * Receipt checkoutV1(String user, Order order) { ... }   // same parameters, the old path
 * }</pre>
 *
 * <p>The fallback method must be declared by the same class (or a superclass), take exactly the same
 * parameter types and return a type assignable to this method's; any visibility will do. It is
 * called on the target bean directly, without the bean's other advice (a {@code @Transactional} on
 * the fallback does not apply). Without a fallback method the feature has no old path: the method
 * always runs, its exceptions reach the caller, and a regression makes the instance ask to be
 * reverted ({@code ROLLBACK_REQUESTED}).
 *
 * <p>Checked exceptions of the new path count as failures, as runtime exceptions do, and the
 * caller gets them unchanged if the old path throws them too.
 *
 * <p>The guard sees calls that come through the bean's proxy only: a call from the bean to its own
 * {@code @Rollbackable} method bypasses it. Such calls are found in the class's bytecode at start-up
 * and refused, with the bean and both methods named (see {@code rollback.reject-self-invocation}).
 * Problems in the declaration (a missing or mismatched fallback, more than one {@link RollbackKey},
 * an invalid feature name) also fail the start-up, naming the bean and the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rollbackable {

    /**
     * The feature, which is also its flag's name, e.g. {@code checkout-v2}.
     *
     * @return the feature
     */
    String value();

    /**
     * The name of the method on the same bean that is the old path; empty for a feature with no old
     * path.
     *
     * @return the fallback method's name, or empty
     */
    String fallbackMethod() default "";
}
