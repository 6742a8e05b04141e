package dev.rollback.spring.app;

import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/** A service whose new checkout can be made to fail, and a receipt feature with no old path. */
@Service
public class CheckoutService {

    /** The feature with an old path. */
    public static final String CHECKOUT = "checkout-v2";
    /** The feature without one. */
    public static final String RECEIPT = "receipt-v2";

    private final AtomicBoolean newCheckoutFails = new AtomicBoolean();
    private final AtomicLong newCheckoutCalls = new AtomicLong();

    /** The new path: fails on every call once {@link #breakNewCheckout()} was called. */
    @Rollbackable(value = CHECKOUT, fallbackMethod = "checkoutV1")
    public String checkoutV2(@RollbackKey String user) {
        newCheckoutCalls.incrementAndGet();
        if (newCheckoutFails.get()) {
            throw new IllegalStateException("checkout v2 is broken");
        }
        return "v2:" + user;
    }

    /** The old path. */
    String checkoutV1(String user) {
        return "v1:" + user;
    }

    /** A new feature with no old path. */
    @Rollbackable(RECEIPT)
    public String receiptV2(String order) {
        return "receipt:" + order;
    }

    /** Makes the new checkout fail from now on. */
    public void breakNewCheckout() {
        newCheckoutFails.set(true);
    }

    /** Makes the new checkout work again. */
    public void repairNewCheckout() {
        newCheckoutFails.set(false);
    }

    /** Returns how often the new checkout ran. */
    public long newCheckoutCalls() {
        return newCheckoutCalls.get();
    }
}
