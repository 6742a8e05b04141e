package com.example.pricing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.rollback.spring.RollbackKey;
import dev.rollback.spring.Rollbackable;
import org.springframework.stereotype.Service;

@Service
public class PricingService {

    private final AtomicBoolean regressed = new AtomicBoolean();

    @Rollbackable(value = "pricing-v2", fallbackMethod = "priceV1")
    public String priceV2(@RollbackKey String user, int quantity) {
        if (regressed.get() && ThreadLocalRandom.current().nextInt(5) == 0) {
            throw new IllegalStateException("pricing-v2 failed for " + user);
        }
        return "v2:" + quantity * 42;
    }

    String priceV1(String user, int quantity) {
        return "v1:" + quantity * 42;
    }

    void regress() {
        regressed.set(true);
    }
}
