package dev.rollback.examples.checkout.order;

import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /quote?sku=BOOK-1&quantity=2}: a price quote, by release 2's new quote or, when the
 * service runs as release 1 ({@code checkout.release=1}), by release 1's. One build serves both
 * releases, so the instance reflex can be shown with the previous version without a second build.
 */
@RestController
public class QuoteController {

    private final QuoteService quotes;
    private final OrderRepository orders;
    private final int release;

    /**
     * Creates the controller.
     *
     * @param quotes  quotes
     * @param orders  the products' prices
     * @param release which release this instance runs: 2 (default) or 1
     */
    public QuoteController(QuoteService quotes, OrderRepository orders, @Value("${checkout.release:2}") int release) {
        if (release != 1 && release != 2) {
            throw new IllegalArgumentException("checkout.release: " + release + " is not a release; use 1 or 2");
        }
        this.quotes = quotes;
        this.orders = orders;
        this.release = release;
    }

    /**
     * Quotes a price.
     *
     * @param sku      the product
     * @param quantity how many, at least 1
     * @return 200 with the quote; 400 for an unknown product or a bad quantity
     */
    @GetMapping("/quote")
    public QuoteService.Quote quote(@RequestParam String sku, @RequestParam(defaultValue = "1") int quantity) {
        if (quantity < 1) {
            throw new InvalidOrderException("quantity: " + quantity + " is not at least 1");
        }
        long price = orders.priceCents(sku).orElseThrow(() -> new InvalidOrderException("unknown sku '" + sku + "'"));
        return release == 2 ? quotes.quoteV2(sku, quantity, price) : quotes.quoteV1(sku, quantity, price);
    }

    /**
     * Answers a bad request with 400 and what was wrong.
     *
     * @param e what was wrong
     * @return 400 with {@code {"error": "..."}}
     */
    @ExceptionHandler(InvalidOrderException.class)
    public ResponseEntity<Map<String, String>> invalid(InvalidOrderException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
    }
}
