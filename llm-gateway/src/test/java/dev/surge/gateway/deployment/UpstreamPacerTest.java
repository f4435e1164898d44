package dev.surge.gateway.deployment;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/** The pacer's queue, buckets and pauses, on a Vert.x of its own. */
class UpstreamPacerTest {

    private final Vertx vertx = Vertx.vertx();
    private final UpstreamPacer pacer = pacer(true, Duration.ofSeconds(60));

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void sendsOneAttemptUntilTheFirstAnswerThenAllWhenItAnnouncesNoLimit() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch rest = new CountDownLatch(49);
        pacer.acquire(1, sent::incrementAndGet);
        for (int i = 0; i < 49; i++) {
            pacer.acquire(1, rest::countDown);
        }
        assertThat(sent.get(), equalTo(1));
        assertThat(pacer.waiting(), equalTo(49));

        pacer.observe(200, MultiMap.caseInsensitiveMultiMap(), null);

        assertThat(rest.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(pacer.waiting(), equalTo(0));
    }

    @Test
    void aFirstAnswerThatAnnouncesALimitPacesTheWaitingWave() throws Exception {
        CountDownLatch burst = new CountDownLatch(2);
        pacer.acquire(1, () -> {
        });
        for (int i = 0; i < 20; i++) {
            pacer.acquire(1, burst::countDown);
        }

        // 120 a minute: a burst of 2 goes at once, the next one 500 ms later.
        pacer.observe(200, limits("120", "119"), null);

        assertThat(burst.await(5, TimeUnit.SECONDS), equalTo(true));
        // The probe and the burst, and at most one refill on a slow machine: the rest still waits.
        assertThat(pacer.waiting(), greaterThanOrEqualTo(17));
    }

    @Test
    void aProbeThatEndsWithoutAnAnswerLetsTheNextOneGo() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        UpstreamPacer.Ticket probe = pacer.acquire(1, sent::incrementAndGet);
        pacer.acquire(1, second::countDown);
        pacer.acquire(1, sent::incrementAndGet);

        probe.cancel();

        assertThat(second.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(sent.get(), equalTo(1));
        assertThat(pacer.waiting(), equalTo(1));
    }

    @Test
    void aConfiguredLimitNeedsNoSlowStart() {
        UpstreamPacer configured = new UpstreamPacer(vertx,
                new UpstreamPacer.Settings(true, Duration.ofSeconds(60), Duration.ofSeconds(1), 600, 0, 0));
        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            configured.acquire(1, sent::incrementAndGet);
        }
        assertThat(sent.get(), equalTo(10));
    }

    @Test
    void headroomRefillsUnderTheAnnouncedRate() throws Exception {
        // 600 a minute with half of it as headroom refills one every 200 ms instead of 100 ms.
        UpstreamPacer halved = new UpstreamPacer(vertx,
                new UpstreamPacer.Settings(true, Duration.ofSeconds(60), Duration.ofSeconds(1), 0, 0, 0.5));
        halved.observe(200, limits("600", "1"), null);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        long start = System.nanoTime();

        halved.acquire(1, sent::incrementAndGet);
        halved.acquire(1, second::countDown);

        assertThat(sent.get(), equalTo(1));
        assertThat(second.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofMillis(190)));
    }

    @Test
    void sendsTheAnnouncedAllowanceAtOnceThenWaitsForTheRefill() throws Exception {
        pacer.observe(200, limits("600", "2"), null);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(1);
        long start = System.nanoTime();

        pacer.acquire(1, sent::incrementAndGet);
        pacer.acquire(1, sent::incrementAndGet);
        pacer.acquire(1, third::countDown);

        assertThat(sent.get(), equalTo(2));
        assertThat(pacer.waiting(), equalTo(1));
        assertThat(third.await(5, TimeUnit.SECONDS), equalTo(true));
        // 600 a minute refills one every 100 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofMillis(90)));
    }

    @Test
    void holdsEveryAttemptForTheDelayOfA429CappedAtTheMaximum() throws Exception {
        UpstreamPacer capped = pacer(true, Duration.ofMillis(300));
        capped.observe(429, limits("60000", "0"), Duration.ofSeconds(30));
        CountDownLatch sent = new CountDownLatch(1);
        long start = System.nanoTime();

        capped.acquire(1, sent::countDown);

        assertThat(sent.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofMillis(300)));
    }

    @Test
    void aCancelledWaitNeverSends() throws Exception {
        pacer.observe(200, limits("600", "0"), null);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch later = new CountDownLatch(1);

        pacer.acquire(1, sent::incrementAndGet).cancel();
        pacer.acquire(1, later::countDown);

        assertThat(later.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(sent.get(), equalTo(0));
        assertThat(pacer.waiting(), equalTo(0));
    }

    @Test
    void letsOnlyOneSecondOfTheAnnouncedRateGoAtOnce() throws Exception {
        // 600 a minute with all of them remaining: a burst of 10, then one every 100 ms.
        pacer.observe(200, limits("600", "600"), null);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch eleventh = new CountDownLatch(1);
        long start = System.nanoTime();

        for (int i = 0; i < 10; i++) {
            pacer.acquire(1, sent::incrementAndGet);
        }
        pacer.acquire(1, eleventh::countDown);

        assertThat(sent.get(), equalTo(10));
        assertThat(eleventh.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofMillis(90)));
    }

    @Test
    void pacesTokensAsWellAsRequests() throws Exception {
        // 60,000 tokens a minute: a burst of 1,000, refilled at 1,000 a second.
        pacer.observe(200, tokenLimits("60000", "60000"), null);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(1);
        long start = System.nanoTime();

        pacer.acquire(600, sent::incrementAndGet);
        pacer.acquire(400, sent::incrementAndGet);
        pacer.acquire(500, third::countDown);

        assertThat(sent.get(), equalTo(2));
        assertThat(pacer.predictedWaitNanos(1), greaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400)));
        assertThat(third.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofMillis(450)));
    }

    @Test
    void sendsARequestLargerThanTheBurstFromAFullBucket() throws Exception {
        pacer.observe(200, tokenLimits("60000", "60000"), null);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch next = new CountDownLatch(1);
        long start = System.nanoTime();

        pacer.acquire(3000, sent::incrementAndGet);
        pacer.acquire(1, next::countDown);

        assertThat(sent.get(), equalTo(1));
        // The large one left a debt of 2,000 tokens: two seconds before the bucket holds one again.
        assertThat(next.await(5, TimeUnit.SECONDS), equalTo(true));
        assertThat(Duration.ofNanos(System.nanoTime() - start), greaterThanOrEqualTo(Duration.ofMillis(1900)));
    }

    @Test
    void learnsTheTokenLimitWithPacingOff() {
        UpstreamPacer off = pacer(false, Duration.ofSeconds(60));
        off.observe(200, tokenLimits("30000", "29000"), null);
        assertThat(off.tokenLimit(), equalTo(30000L));
    }

    @Test
    void keepsTheLowerOfTheConfiguredAndTheAnnouncedLimit() {
        UpstreamPacer configured = new UpstreamPacer(vertx,
                new UpstreamPacer.Settings(true, Duration.ofSeconds(60), Duration.ofSeconds(1), 100, 1000, 0));
        assertThat(configured.requestLimit(), equalTo(100L));
        assertThat(configured.tokenLimit(), equalTo(1000L));

        configured.observe(200, limits("600", "600").addAll(tokenLimits("800", "800")), null);

        assertThat(configured.requestLimit(), equalTo(100L));
        assertThat(configured.tokenLimit(), equalTo(800L));
    }

    @Test
    void pacesNothingWhenDisabled() {
        UpstreamPacer off = pacer(false, Duration.ofSeconds(60));
        off.observe(429, limits("60", "0"), Duration.ofSeconds(30));
        AtomicInteger sent = new AtomicInteger();

        off.acquire(1, sent::incrementAndGet);

        assertThat(sent.get(), equalTo(1));
    }

    private UpstreamPacer pacer(boolean enabled, Duration maxPause) {
        return new UpstreamPacer(vertx, new UpstreamPacer.Settings(enabled, maxPause, Duration.ofSeconds(1), 0, 0, 0));
    }

    private static MultiMap tokenLimits(String limit, String remaining) {
        return MultiMap.caseInsensitiveMultiMap()
                .add("x-ratelimit-limit-tokens", limit)
                .add("x-ratelimit-remaining-tokens", remaining);
    }

    private static MultiMap limits(String limit, String remaining) {
        return MultiMap.caseInsensitiveMultiMap()
                .add("x-ratelimit-limit-requests", limit)
                .add("x-ratelimit-remaining-requests", remaining);
    }
}
