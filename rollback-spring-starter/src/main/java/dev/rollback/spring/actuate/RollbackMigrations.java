package dev.rollback.spring.actuate;

import java.util.List;
import java.util.Map;

/**
 * The service's expand/contract schema migrations as the {@code rollback} endpoint shows and acts
 * on them. The starter provides one when rollback-liquibase is on the class path; the endpoint
 * works without.
 */
public interface RollbackMigrations {

    /**
     * Returns every migration and its phase, as JSON-ready maps, in the order first expanded.
     *
     * @return the migrations, empty if none ran
     */
    List<Map<String, Object>> status();

    /**
     * Contracts every expanded migration.
     *
     * @throws RefusedException if the contract is refused for now (bake time, live instances of the
     *                          previous version); nothing was changed
     */
    void contract();

    /**
     * Rolls back every expanding or expanded migration, while the previous version serves.
     */
    void rollback();

    /** A contract refused for now; its message says why and what to do. */
    final class RefusedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message why, and what to do
         * @param cause   the refusal as the migration library reported it
         */
        public RefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
