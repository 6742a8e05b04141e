package dev.rollback.examples.checkout.order;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service's API: {@code POST /orders} places an order, {@code GET /orders/{id}} reads one.
 */
@RestController
public class OrderController {

    private final CheckoutService checkout;
    private final OrderRepository orders;

    /**
     * Creates the controller.
     *
     * @param checkout places orders
     * @param orders   reads them
     */
    public OrderController(CheckoutService checkout, OrderRepository orders) {
        this.checkout = checkout;
        this.orders = orders;
    }

    /**
     * Places an order through the guarded checkout.
     *
     * @param request the order
     * @return 201 with the receipt and the order's location
     * @throws InvalidOrderException if the order is incomplete or names an unknown product (400)
     */
    @PostMapping("/orders")
    public ResponseEntity<OrderReceipt> place(@RequestBody OrderRequest request) {
        request.validate();
        long price = orders.priceCents(request.sku())
                .orElseThrow(() -> new InvalidOrderException("unknown sku '" + request.sku() + "'"));
        OrderReceipt receipt = checkout.checkoutV2(request.userId(), request, price);
        return ResponseEntity.created(URI.create("/orders/" + receipt.orderId())).body(receipt);
    }

    /**
     * Reads an order.
     *
     * @param id the order's id
     * @return 200 with the order, or 404
     */
    @GetMapping("/orders/{id}")
    public ResponseEntity<Order> find(@PathVariable long id) {
        return ResponseEntity.of(orders.find(id));
    }

    /**
     * Answers a bad order with 400 and what was wrong.
     *
     * @param e what was wrong
     * @return 400 with {@code {"error": "..."}}
     */
    @ExceptionHandler(InvalidOrderException.class)
    public ResponseEntity<Map<String, String>> invalid(InvalidOrderException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
    }
}
