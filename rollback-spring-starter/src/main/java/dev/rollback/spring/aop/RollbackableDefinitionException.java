package dev.rollback.spring.aop;

import java.util.Objects;

/**
 * A {@link dev.rollback.spring.Rollbackable} method is declared or used in a way the guard cannot
 * honour: its fallback is missing or does not match, it has more than one key parameter, its feature
 * name is invalid, or the bean calls it on itself. Thrown at start-up; Spring Boot's failure analysis
 * reports it with what to do.
 */
public final class RollbackableDefinitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String beanName;
    private final String action;

    /**
     * Creates the exception.
     *
     * @param beanName the bean
     * @param problem  what is wrong, naming the class and the method
     * @param action   what to do about it
     */
    public RollbackableDefinitionException(String beanName, String problem, String action) {
        super("Bean '" + beanName + "': " + problem);
        this.beanName = Objects.requireNonNull(beanName, "beanName");
        this.action = Objects.requireNonNull(action, "action");
    }

    /**
     * Returns the name of the bean whose method is at fault.
     *
     * @return the bean name
     */
    public String beanName() {
        return beanName;
    }

    /**
     * Returns what to do about it.
     *
     * @return the action, in words
     */
    public String action() {
        return action;
    }
}
