package dev.surge.simulator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void refillsAtTheRateUpToItsCapacity() {
        TokenBucket bucket = new TokenBucket(10, 600, 0);
        bucket.take(10);
        assertEquals(0, bucket.remaining());
        assertEquals(SECOND, bucket.nanosUntilFull());

        bucket.refill(10, 600, SECOND / 2);
        assertEquals(5, bucket.remaining());
        bucket.refill(10, 600, 5 * SECOND);
        assertEquals(10, bucket.remaining());
    }

    @Test
    void debtStopsAtOneCapacity() {
        TokenBucket bucket = new TokenBucket(10, 600, 0);
        bucket.take(1000);
        // From -10 to the 1 a request needs: 11 units at 10 a second.
        assertEquals(SECOND + SECOND / 10, bucket.nanosUntilFits(1));
    }

    @Test
    void aRequestLargerThanTheBucketFitsOnlyAFullBucket() {
        TokenBucket bucket = new TokenBucket(10, 600, 0);
        assertTrue(bucket.fits(25));
        bucket.take(1);
        assertFalse(bucket.fits(25));
        assertEquals(SECOND / 10, bucket.nanosUntilFits(25));
    }

    @Test
    void aChangedRateAppliesFromTheChangeOn() {
        TokenBucket bucket = new TokenBucket(100, 60, 0);
        bucket.take(100);
        bucket.refill(100, 600, 10 * SECOND);
        // 10 s at the old 1 a second, then 10 a second.
        assertEquals(10, bucket.remaining());
        assertEquals(9 * SECOND, bucket.nanosUntilFull());
    }
}
