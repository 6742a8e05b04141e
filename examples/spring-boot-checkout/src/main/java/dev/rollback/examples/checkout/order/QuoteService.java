package dev.rollback.examples.checkout.order;

import dev.rollback.examples.checkout.demoadmin.DemoFaults;
import dev.rollback.spring.Rollbackable;
import org.springframework.stereotype.Service;

/**
 * Quotes a price. Release 2 brings a new quote, {@link #quoteV2}, guarded as feature
 * {@value #FEATURE} <b>without an old path</b>: its failures reach the caller, and when the judge
 * rolls it back (more than {@code rollback.features.quote-v2.maximum-error-rate} of its calls fail)
 * the instance reports {@code ROLLBACK_REQUESTED} and asks the agent to bring back release 1, whose
 * quote is {@link #quoteV1}.
 */
@Service
public class QuoteService {

    /** The guarded feature without an old path. */
    public static final String FEATURE = "quote-v2";

    private final DemoFaults demoFaults;

    /**
     * Creates the service.
     *
     * @param demoFaults the demo's fault injection; inert unless the demo's admin API sets a fault
     */
    public QuoteService(DemoFaults demoFaults) {
        this.demoFaults = demoFaults;
    }

    /**
     * Release 2's quote.
     *
     * @param sku            the product
     * @param quantity       how many
     * @param unitPriceCents the product's price
     * @return the quote, marked release 2
     */
    @Rollbackable(FEATURE)
    public Quote quoteV2(String sku, int quantity, long unitPriceCents) {
        demoFaults.beforeNewPath();     // demo only: where the demo injects its regression
        return new Quote(sku, quantity, unitPriceCents * quantity, 2);
    }

    /**
     * Release 1's quote, which release 2 no longer calls.
     *
     * @param sku            the product
     * @param quantity       how many
     * @param unitPriceCents the product's price
     * @return the quote, marked release 1
     */
    public Quote quoteV1(String sku, int quantity, long unitPriceCents) {
        return new Quote(sku, quantity, unitPriceCents * quantity, 1);
    }

    /**
     * A price quote.
     *
     * @param sku        the product
     * @param quantity   how many
     * @param totalCents the price
     * @param release    the release of the service that quoted it
     */
    public record Quote(String sku, int quantity, long totalCents, int release) {
    }
}
