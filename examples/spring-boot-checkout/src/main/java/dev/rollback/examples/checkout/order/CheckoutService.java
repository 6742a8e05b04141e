package dev.rollback.examples.checkout.order;

import dev.rollback.examples.checkout.demoadmin.DemoFaults;
import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import org.springframework.stereotype.Service;

/**
 * Places orders. {@link #checkoutV2} is the release's new checkout, guarded as feature
 * {@value #FEATURE}: it stores the customer's name split into first and last name, in the columns
 * that the expand migration added. {@link #checkoutV1} is the checkout it replaces, and the guard's
 * fallback: when the new path throws, the old one answers the same call, and when the judge finds
 * the new path worse, the feature is rolled back and every call takes the old path.
 */
@Service
public class CheckoutService {

    /** The guarded feature, also its flag's name. */
    public static final String FEATURE = "checkout-v2";

    private final OrderRepository orders;
    private final DemoFaults demoFaults;

    /**
     * Creates the service.
     *
     * @param orders     where orders are stored
     * @param demoFaults the demo's fault injection; inert unless the demo's admin API sets a fault
     */
    public CheckoutService(OrderRepository orders, DemoFaults demoFaults) {
        this.orders = orders;
        this.demoFaults = demoFaults;
    }

    /**
     * The new checkout: prices the order and stores it with the name split.
     *
     * @param userId  who orders, the stickiness key: a user stays on one path while the rollout is unchanged
     * @param request the order, validated
     * @param unitPriceCents the product's price, looked up by the caller so that an unknown product is
     *                       a client error before the guard, not a failure of either path
     * @return the receipt, marked {@code v2}
     */
    @Rollbackable(value = FEATURE, fallbackMethod = "checkoutV1")
    public OrderReceipt checkoutV2(@RollbackKey String userId, OrderRequest request, long unitPriceCents) {
        demoFaults.beforeNewPath();     // demo only: where the demo injects its regression
        long total = unitPriceCents * request.quantity();
        long id = orders.insertWithSplitName(request, CustomerName.split(request.customerName()), total);
        return new OrderReceipt(id, total, "v2");
    }

    /**
     * The old checkout: prices the order and stores it with the full name.
     *
     * @param userId  who orders
     * @param request the order, validated
     * @param unitPriceCents the product's price
     * @return the receipt, marked {@code v1}
     */
    public OrderReceipt checkoutV1(String userId, OrderRequest request, long unitPriceCents) {
        long total = unitPriceCents * request.quantity();
        long id = orders.insertWithFullName(request, total);
        return new OrderReceipt(id, total, "v1");
    }
}
