package dev.rollback.examples.checkout.demoadmin;

import dev.rollback.core.flag.FlagSource;
import dev.rollback.core.flag.InMemoryFlagSource;
import dev.rollback.examples.checkout.order.CheckoutService;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * DEMO ONLY: the back door the demo uses to play the operator and the bug. {@code PUT /demo/rollout}
 * sets the share of users on the new checkout (with in-memory flags; with Unleash the demo sets it in
 * Unleash, as an operator would), and {@code PUT /demo/fault} injects a regression into the new path.
 *
 * <p>It exists only when {@code checkout.demo.admin-enabled=true} (the demo sets it); a real service
 * would never have it, and it has no authentication.
 */
@RestController
@ConditionalOnBooleanProperty("checkout.demo.admin-enabled")
public class DemoAdminController {

    /**
     * The body of {@code PUT /demo/rollout}.
     *
     * @param percent share of users on the new checkout path, 0 to 100
     */
    public record Rollout(int percent) {
    }

    private final DemoFaults faults;
    private final FlagSource flags;

    /**
     * Creates the controller.
     *
     * @param faults the fault injection
     * @param flags  the service's flag source
     */
    public DemoAdminController(DemoFaults faults, FlagSource flags) {
        this.faults = faults;
        this.flags = flags;
    }

    /**
     * Sets the rollout share of {@code checkout-v2}.
     *
     * @param rollout the share
     * @return 200 with the share now in force, 400 for a share outside 0 to 100, 409 when the flags
     *         are not in memory (then set the rollout in the flag service)
     */
    @PutMapping("/demo/rollout")
    public ResponseEntity<Map<String, Object>> rollout(@RequestBody Rollout rollout) {
        if (!(flags instanceof InMemoryFlagSource memory)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error",
                    "the flags are not in memory (" + flags.getClass().getSimpleName()
                            + "): set the rollout in the flag service"));
        }
        memory.rollout(CheckoutService.FEATURE, rollout.percent());
        return ResponseEntity.ok(Map.of("feature", CheckoutService.FEATURE,
                "percent", memory.percentage(CheckoutService.FEATURE)));
    }

    /**
     * Sets the fault of the new checkout path.
     *
     * @param fault the fault; {@code {"kind": "none"}} removes it
     * @return 200 with the fault now in force, 400 for a bad one
     */
    @PutMapping("/demo/fault")
    public DemoFaults.Fault fault(@RequestBody DemoFaults.Fault fault) {
        faults.set(fault);
        return faults.fault();
    }

    /**
     * Returns the fault of the new checkout path.
     *
     * @return the fault in force
     */
    @GetMapping("/demo/fault")
    public DemoFaults.Fault fault() {
        return faults.fault();
    }

    /**
     * Answers a body that does not make a fault (e.g. an unknown kind) with 400 and what was wrong.
     *
     * @param e what was wrong
     * @return 400 with {@code {"error": "..."}}
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMostSpecificCause().getMessage())));
    }

    /**
     * Answers a bad rollout share or fault with 400 and what was wrong.
     *
     * @param e what was wrong
     * @return 400 with {@code {"error": "..."}}
     */
    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, String>> invalid(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
    }
}
