/**
 * Orders: the REST API, the guarded checkout (new path {@code checkoutV2}, old path
 * {@code checkoutV1}), the quote of release 2 (feature {@code quote-v2}, without an old path) and
 * the repository.
 */
@NullMarked
package dev.rollback.examples.checkout.order;

import org.jspecify.annotations.NullMarked;
