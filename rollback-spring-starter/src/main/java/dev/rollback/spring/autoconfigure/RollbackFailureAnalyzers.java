package dev.rollback.spring.autoconfigure;

import dev.rollback.spring.aop.RollbackableDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Spring Boot failure analysis of the start-up failures the starter causes, registered in
 * {@code META-INF/spring.factories}.
 */
public final class RollbackFailureAnalyzers {

    private RollbackFailureAnalyzers() {
    }

    /** Reports an invalid {@code rollback.*} property with its name and value. */
    public static final class InvalidProperty extends AbstractFailureAnalyzer<InvalidRollbackPropertyException> {

        /** Creates the analyzer; Spring Boot does. */
        public InvalidProperty() {
        }

        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, InvalidRollbackPropertyException cause) {
            return new FailureAnalysis(cause.getMessage(),
                    "Change property '" + cause.property() + "' (now '" + cause.value()
                            + "') to a valid value; the rollback-spring-starter README lists each property"
                            + " with its default and range.",
                    cause);
        }
    }

    /** Reports a wrongly declared or self-invoked {@code @Rollbackable} method, naming the bean and the method. */
    public static final class RollbackableDefinition extends AbstractFailureAnalyzer<RollbackableDefinitionException> {

        /** Creates the analyzer; Spring Boot does. */
        public RollbackableDefinition() {
        }

        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, RollbackableDefinitionException cause) {
            return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
        }
    }
}
