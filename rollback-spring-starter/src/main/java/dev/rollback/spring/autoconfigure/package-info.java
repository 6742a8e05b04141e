/**
 * Spring Boot auto-configuration of the rollback library and its {@code rollback.*} properties.
 */
@NullMarked
package dev.rollback.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
