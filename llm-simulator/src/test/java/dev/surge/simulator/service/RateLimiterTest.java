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

    @Test
    void refusesABurstBeyondTheWindowWhileAnnouncingThePerMinuteLimit() {
        SimulatorSettings settings = limits(600, 0, 1000);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.acquire("k", 1, settings).admitted(), "request " + i);
        }
        Decision rejected = limiter.acquire("k", 1, settings);
        assertEquals(Limit.REQUESTS, rejected.rejectedBy());
        // The headers speak of the minute: 600 a minute, 11 taken (the refused one too), 589 left.
        assertEquals(600, rejected.requests().limit());
        assertEquals(589, rejected.requests().remaining());
        // The one-second window holds 10 and is at -1 now: 2 units at 10 a second.
        assertEquals(TimeUnit.MILLISECONDS.toNanos(200), rejected.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1));

        advance(rejected.retryAfterNanos());
        assertTrue(limiter.acquire("k", 1, settings).admitted());
    }

    @Test
    void admitsRequestsSpreadAtTheLimitsRateButNotFasterOnes() {
        SimulatorSettings settings = limits(600, 0, 1000);
        for (int i = 0; i < 1200; i++) {
            assertTrue(limiter.acquire("k", 1, settings).admitted(), "request " + i + " at 10 a second");
            advance(TimeUnit.MILLISECONDS.toNanos(100));
        }
        int refused = 0;
        for (int i = 0; i < 100; i++) {
            refused += limiter.acquire("k", 1, settings).admitted() ? 0 : 1;
            advance(TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertTrue(refused >= 40, "at 20 a second against 10 a second, refused " + refused + " of 100");
    }

    @Test
    void aTokenRequestLargerThanTheWindowFitsAFullWindowAndLeavesItInDebt() {
        SimulatorSettings settings = limits(0, 6000, 1000);
        assertTrue(limiter.acquire("k", 300, settings).admitted(), "300 tokens against a window of 100");
        Decision rejected = limiter.acquire("k", 300, settings);
        assertEquals(Limit.TOKENS, rejected.rejectedBy());
        assertEquals(5700, rejected.tokens().remaining());
        // The window is at its floor of -100 and must be full again: 200 tokens at 100 a second.
        assertEquals(TimeUnit.SECONDS.toNanos(2), rejected.retryAfterNanos(), TimeUnit.MILLISECONDS.toNanos(1));
        advance(rejected.retryAfterNanos());
        assertTrue(limiter.acquire("k", 300, settings).admitted());
    }

    @Test
    void refusedRequestsKeepCountingAgainstTheMinuteWithABurstWindow() {
        SimulatorSettings settings = limits(60, 0, 1000);
        for (int i = 0; i < 500; i++) {
            limiter.acquire("k", 1, settings);
        }
        // The one-second window's debt stops at one request; the minute's at a minute's allowance: -60 + 1 more.
        assertEquals(TimeUnit.SECONDS.toNanos(61), limiter.acquire("k", 1, settings).retryAfterNanos(),
                TimeUnit.MILLISECONDS.toNanos(1));
    }

    @Test
    void aBurstWindowSwitchedOnAppliesToTheNextRequest() {
        for (int i = 0; i < 30; i++) {
            assertTrue(limiter.acquire("k", 1, limits(600, 0)).admitted());
        }
        SimulatorSettings burst = limits(600, 0, 1000);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.acquire("k", 1, burst).admitted(), "request " + i);
        }
        assertEquals(Limit.REQUESTS, limiter.acquire("k", 1, burst).rejectedBy());
    }

    private void advance(long nanos) {
        now += nanos;
    }

    /** Limits enforced over the minute only. */
    private static SimulatorSettings limits(long rpm, long tpm) {
        return limits(rpm, tpm, 0);
    }

    private static SimulatorSettings limits(long rpm, long tpm, long burstMs) {
        return new SimulatorSettings(rpm, tpm, burstMs, 0, 256, new SimulatorSettings.Latency(0, 0, 0),
                new SimulatorSettings.Faults(0, 0, 0, 0, 0, false));
    }
}
