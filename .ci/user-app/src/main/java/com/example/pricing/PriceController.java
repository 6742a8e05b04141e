package com.example.pricing;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class PriceController {

    private final PricingService pricing;

    public PriceController(PricingService pricing) {
        this.pricing = pricing;
    }

    @GetMapping("/price")
    public String price(@RequestParam String user, @RequestParam int quantity) {
        return pricing.priceV2(user, quantity);
    }

    /** From now on one call in five of the new path fails: the regression to contain. */
    @PostMapping("/regress")
    public void regress() {
        pricing.regress();
    }
}
