/**
 * Spring Boot auto-configuration of the rollback library and its {@code rollback.*} properties.
 */
package dev.rollback.spring.autoconfigure;
