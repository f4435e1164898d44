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

class UpstreamPacerTest {

    private final Vertx vertx = Vertx.vertx();
    private final UpstreamPacer pacer = pacer(true, Duration.ofSeconds(60));

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void sendsAtOnceUntilALimitIsAnnounced() {
        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            pacer.acquire(1, sent::incrementAndGet);
        }
        assertThat(sent.get(), equalTo(50));
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
    void pacesNothingWhenDisabled() {
        UpstreamPacer off = pacer(false, Duration.ofSeconds(60));
        off.observe(429, limits("60", "0"), Duration.ofSeconds(30));
        AtomicInteger sent = new AtomicInteger();

        off.acquire(1, sent::incrementAndGet);

        assertThat(sent.get(), equalTo(1));
    }

    private UpstreamPacer pacer(boolean enabled, Duration maxPause) {
        return new UpstreamPacer(vertx, new UpstreamPacer.Settings(enabled, maxPause, Duration.ofSeconds(1), 0, 0));
    }

    private static MultiMap limits(String limit, String remaining) {
        return MultiMap.caseInsensitiveMultiMap()
                .add("x-ratelimit-limit-requests", limit)
                .add("x-ratelimit-remaining-requests", remaining);
    }
}
