package dev.surge.gateway.deployment;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Bounds the retries one deployment takes to a share of its first attempts over a sliding window, plus a few
 * per second whatever the traffic (Finagle's {@code RetryBudget}, Envoy's retry budget). Under a total outage
 * every call still gets its first attempt, but retries stop multiplying the load: past the budget, failures are
 * answered as they are.
 *
 * <p>Counted in one-second slots of a ring, so that recording and asking cost a few array operations.
 */
public final class RetryBudget {

    private static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final double ratio;
    private final double reserve;
    private final long[] requests;
    private final long[] retries;
    private final long[] slotOf;
    private final LongSupplier clock;

    /**
     * @param ratio retries allowed per first attempt
     * @param minPerSecond retries allowed per second of the window whatever the traffic
     * @param window the sliding window, in whole seconds (at least one)
     */
    public RetryBudget(double ratio, int minPerSecond, Duration window) {
        this(ratio, minPerSecond, window, System::nanoTime);
    }

    RetryBudget(double ratio, int minPerSecond, Duration window, LongSupplier clock) {
        int slots = (int) Math.max(1, window.toSeconds());
        this.ratio = ratio;
        this.reserve = (double) minPerSecond * slots;
        this.requests = new long[slots];
        this.retries = new long[slots];
        this.slotOf = new long[slots];
        this.clock = clock;
    }

    /** A first attempt went to the deployment. */
    public synchronized void recordRequest() {
        requests[slot()]++;
    }

    /** Takes one retry from the budget if there is one left; false means the failure is answered as it is. */
    public synchronized boolean tryRetry() {
        int current = slot();
        long second = slotOf[current];
        long requestSum = 0;
        long retrySum = 0;
        for (int i = 0; i < requests.length; i++) {
            if (second - slotOf[i] < requests.length) {
                requestSum += requests[i];
                retrySum += retries[i];
            }
        }
        // A small epsilon, so that 0.2 x 5 requests allows its one retry despite binary fractions.
        if (retrySum + 1 > reserve + ratio * requestSum + 1e-9) {
            return false;
        }
        retries[current]++;
        return true;
    }

    /** The slot of now, emptied first if it last held an older second. */
    private int slot() {
        long second = Math.floorDiv(clock.getAsLong(), SLOT_NANOS);
        int index = (int) Math.floorMod(second, (long) requests.length);
        if (slotOf[index] != second) {
            slotOf[index] = second;
            requests[index] = 0;
            retries[index] = 0;
        }
        return index;
    }
}
