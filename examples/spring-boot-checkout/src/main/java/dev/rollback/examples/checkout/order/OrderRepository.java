package dev.rollback.examples.checkout.order;

import dev.rollback.core.guard.RunningPath;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * Orders and products in the service's database, with plain JDBC. The old checkout writes
 * {@code customer_name}; the new one writes {@code first_name} and {@code last_name}, the columns the
 * expand migration added. While the migration is expanded its triggers keep both shapes in sync (see
 * {@code db/changelog/002-split-customer-name.yaml}), so each version reads what the other wrote. On
 * PostgreSQL each path's statements run on its own version's schema of views (the starter's data source
 * does it): the old checkout sees only {@code customer_name}, the new one only the split name.
 */
@Repository
public class OrderRepository {

    /** The old checkout's path: what runs in it reads as the previous version does. */
    private static final RunningPath PREVIOUS_VERSION = RunningPath.of(CheckoutService.FEATURE, RunningPath.Kind.OLD);

    private final JdbcClient jdbc;

    /**
     * Creates the repository.
     *
     * @param jdbc the service's JDBC client
     */
    public OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Returns a product's price.
     *
     * @param sku the product
     * @return its price in cents, or empty if there is no such product
     */
    public Optional<Long> priceCents(String sku) {
        return jdbc.sql("SELECT price_cents FROM product WHERE sku = ?").param(sku).query(Long.class).optional();
    }

    /**
     * Stores an order as the old checkout does: the full name in {@code customer_name}.
     *
     * @param request    the order
     * @param totalCents its total
     * @return the new order's id
     */
    public long insertWithFullName(OrderRequest request, long totalCents) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO orders (user_id, customer_name, sku, quantity, total_cents) VALUES (?, ?, ?, ?, ?)")
                .params(request.userId(), request.customerName().strip(), request.sku(), request.quantity(), totalCents)
                .update(key, "id");
        return key.getKeyAs(Number.class).longValue();
    }

    /**
     * Stores an order as the new checkout does: first and last name in their own columns. While the
     * migration is expanded, its trigger fills {@code customer_name} for the previous version.
     *
     * @param request    the order
     * @param name       the customer's name, split
     * @param totalCents its total
     * @return the new order's id
     */
    public long insertWithSplitName(OrderRequest request, CustomerName name, long totalCents) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO orders (user_id, first_name, last_name, sku, quantity, total_cents)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(request.userId(), name.first(), name.last(), request.sku(), request.quantity(), totalCents)
                .update(key, "id");
        return key.getKeyAs(Number.class).longValue();
    }

    /**
     * Reads an order as both versions see it: first and last name as this version stores them, the
     * full name as the previous version sees it (on PostgreSQL through the previous version's schema,
     * where the new version has no {@code customer_name}; the expand's triggers derived it).
     *
     * @param id the order's id
     * @return the order, or empty if there is none
     */
    public Optional<Order> find(long id) {
        return jdbc.sql("SELECT id, user_id, first_name, last_name, sku, quantity, total_cents, created_at"
                        + " FROM orders WHERE id = ?")
                .param(id)
                .query((rs, row) -> new Order(rs.getLong("id"), rs.getString("user_id"), null,
                        rs.getString("first_name"), rs.getString("last_name"), rs.getString("sku"),
                        rs.getInt("quantity"), rs.getLong("total_cents"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .optional()
                .map(order -> order.withCustomerName(PREVIOUS_VERSION.run(() -> jdbc
                        .sql("SELECT customer_name FROM orders WHERE id = ?").param(id).query(String.class).single())));
    }

    /**
     * Counts the orders stored.
     *
     * @return how many orders there are
     */
    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM orders").query(Long.class).single();
    }
}
