package dev.surge.gateway.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The retry budget's arithmetic, on a clock the test moves. */
class RetryBudgetTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));

    @Test
    void allowsItsShareOfRequests() {
        RetryBudget budget = new RetryBudget(0.2, 0, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 4; i++) {
            budget.recordRequest();
        }
        assertFalse(budget.tryRetry(), "4 requests at 20 % are worth less than one retry");
        budget.recordRequest();
        assertTrue(budget.tryRetry());
        assertFalse(budget.tryRetry());
    }

    @Test
    void allowsAFewRetriesPerSecondWithoutTraffic() {
        RetryBudget budget = new RetryBudget(0.2, 3, Duration.ofSeconds(10), now::get);
        assertEquals(30, retriesAllowed(budget));
    }

    @Test
    void forgetsWhatLeftTheWindow() {
        RetryBudget budget = new RetryBudget(0.5, 0, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 10; i++) {
            budget.recordRequest();
        }
        assertEquals(5, retriesAllowed(budget));

        now.addAndGet(TimeUnit.SECONDS.toNanos(5));
        assertEquals(0, retriesAllowed(budget), "the requests and the retries are both still in the window");
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));
        budget.recordRequest();
        budget.recordRequest();
        assertEquals(1, retriesAllowed(budget), "only the two new requests count");
    }

    private static int retriesAllowed(RetryBudget budget) {
        int allowed = 0;
        while (allowed < 1000 && budget.tryRetry()) {
            allowed++;
        }
        return allowed;
    }
}
