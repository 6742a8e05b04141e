package dev.rollback.spring.app;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The HTTP face of {@link CheckoutService}. */
@RestController
public class CheckoutController {

    private final CheckoutService service;

    CheckoutController(CheckoutService service) {
        this.service = service;
    }

    @GetMapping("/checkout")
    String checkout(@RequestParam String user) {
        return service.checkoutV2(user);
    }

    @GetMapping("/receipt")
    String receipt(@RequestParam String order) {
        return service.receiptV2(order);
    }
}
