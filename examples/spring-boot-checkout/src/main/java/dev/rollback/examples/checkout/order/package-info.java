/**
 * Orders: the REST API, the guarded checkout (new path {@code checkoutV2}, old path
 * {@code checkoutV1}) and the repository.
 */
package dev.rollback.examples.checkout.order;
