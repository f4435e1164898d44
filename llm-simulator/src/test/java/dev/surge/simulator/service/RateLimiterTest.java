package dev.surge.simulator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.surge.simulator.SimulatorSettings;
import dev.surge.simulator.service.RateLimiter.Decision;
import dev.surge.simulator.service.RateLimiter.Limit;

class RateLimiterTest {

    private long now = 1_000_000_000L;
    private final RateLimiter limiter = new RateLimiter(() -> now);

    @Test
    void admitsAMinutesAllowanceAtOnceThenAsksToWaitUntilTheNextRequestFits() {
        SimulatorSettings settings = limits(60, 0);
        for (int i = 0; i < 60; i++) {
            assertTrue(limiter.acquire("k", 10, settings).admitted(), "request " + i);
        }
        Decision rejected = limiter.acquire("k", 10, settings);
        assertEquals(Limit.REQUESTS, rejected.rejectedBy());
        // The rejected request took a unit too: the bucket is at -1 and needs 2 s to reach 1 at 1 per second.
        assertEquals(TimeUnit.SECONDS.toNanos(2), rejected.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1));

        advance(rejected.retryAfterNanos());
        assertTrue(limiter.acquire("k", 10, settings).admitted());
    }

    @Test
    void rejectedRequestsPushTheWaitOutToAtMostAMinuteAndOneRequest() {
        SimulatorSettings settings = limits(60, 0);
        for (int i = 0; i < 60; i++) {
            limiter.acquire("k", 1, settings);
        }
        long first = limiter.acquire("k", 1, settings).retryAfterNanos();
        long second = limiter.acquire("k", 1, settings).retryAfterNanos();
        assertTrue(second > first);
        for (int i = 0; i < 500; i++) {
            limiter.acquire("k", 1, settings);
        }
        assertEquals(TimeUnit.SECONDS.toNanos(61), limiter.acquire("k", 1, settings).retryAfterNanos(),
                TimeUnit.MILLISECONDS.toNanos(1));
    }

    @Test
    void refillsContinuouslyAndReportsTheTimeUntilFull() {
        SimulatorSettings settings = limits(600, 0);
        for (int i = 0; i < 100; i++) {
            limiter.acquire("k", 1, settings);
        }
        Decision drained = limiter.peek("k", settings);
        assertEquals(500, drained.requests().remaining());
        assertEquals(TimeUnit.SECONDS.toNanos(10), drained.requests().resetNanos(), TimeUnit.MILLISECONDS.toNanos(1));

        advance(TimeUnit.SECONDS.toNanos(5));
        assertEquals(550, limiter.peek("k", settings).requests().remaining());
        advance(TimeUnit.SECONDS.toNanos(60));
        assertEquals(600, limiter.peek("k", settings).requests().remaining());
    }

    @Test
    void chargesPromptAndMaximumTokensUpFront() {
        SimulatorSettings settings = limits(0, 1000);
        assertTrue(limiter.acquire("k", 800, settings).admitted());
        Decision rejected = limiter.acquire("k", 800, settings);
        assertEquals(Limit.TOKENS, rejected.rejectedBy());
        // 200 left, 800 needed, 1000 a minute: 36 s.
        assertEquals(TimeUnit.SECONDS.toNanos(36), rejected.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1));
        advance(rejected.retryAfterNanos());
        assertTrue(limiter.acquire("k", 800, settings).admitted());
    }

    @Test
    void aRequestLargerThanAMinutesTokensCanNeverBeAdmitted() {
        Decision rejected = limiter.acquire("k", 1001, limits(0, 1000));
        assertEquals(Limit.TOO_LARGE, rejected.rejectedBy());
        assertEquals(0, rejected.retryAfterNanos());
    }

    @Test
    void keysHaveTheirOwnBucketsAndLimitsOffReportNothing() {
        SimulatorSettings settings = limits(1, 0);
        assertTrue(limiter.acquire("a", 1, settings).admitted());
        assertTrue(limiter.acquire("b", 1, settings).admitted());
        Decision decision = limiter.acquire("a", 1, settings);
        assertEquals(Limit.REQUESTS, decision.rejectedBy());
        assertNull(decision.tokens());

        limiter.reset();
        assertTrue(limiter.acquire("a", 1, settings).admitted());
    }

    private void advance(long nanos) {
        now += nanos;
    }

    private static SimulatorSettings limits(long rpm, long tpm) {
        return new SimulatorSettings(rpm, tpm, 0, 256, new SimulatorSettings.Latency(0, 0, 0),
                new SimulatorSettings.Faults(0, 0, 0, 0, 0, false));
    }
}
