/**
 * The checkout service: its application class. Orders are in {@code order}, the migration's phase in
 * {@code migration}; {@code demoadmin} is the demo's back door (off unless the demo turns it on), and
 * {@code demo} is the demo itself, a client of the service.
 */
@NullMarked
package dev.rollback.examples.checkout;

import org.jspecify.annotations.NullMarked;
