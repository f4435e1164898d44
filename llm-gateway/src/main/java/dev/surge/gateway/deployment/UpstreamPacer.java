package dev.surge.gateway.deployment;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/**
 * Paces one deployment's attempts to the request and token rates it announces, so that a crowd of callers queues
 * here instead of turning one rate limit into a retry storm. OpenAI counts rejected requests against the limit:
 * once a key is in debt, every early retry deepens it, and callers that each honour their own
 * {@code retry-after-ms} come back together and are refused together. One shared view of the limit avoids that.
 *
 * <p>The view is two {@link RateBucket}s, requests and tokens, each refilled at the announced per-minute rate
 * ({@code x-ratelimit-limit-requests} / {@code -tokens}, or the configured {@code rpm} / {@code tpm} when lower)
 * but holding only a short burst (one second's worth by default), because providers may enforce their per-minute
 * limits over shorter windows too. An attempt takes one request and its estimated tokens; the levels are lowered
 * to {@code x-ratelimit-remaining-*} whenever the provider reports less; after a 429 with a delay every attempt
 * is held until the delay has passed. The buckets refill a little slower than announced ({@code headroom}, 2 % by
 * default): paced exactly at the provider's rate, timer and network jitter land some attempts a hair before the
 * provider's own bucket has refilled, and each of those is a 429 that also counts against the limit.
 *
 * <p>Before the deployment has answered at all its limits are unknown, and a first wave sent blind is refused
 * together: until the first answer only one attempt is in flight (slow start). If that answer announces no limit,
 * nothing is paced from then on. Attempts go in arrival order, on Vert.x timers, never holding a thread.
 *
 * <p>Written here rather than taken from SmallRye Fault Tolerance's {@code @RateLimit} (or a token-bucket
 * library): those enforce a rate fixed in configuration and refuse or block when it is exceeded, while this one
 * follows limits the provider announces at run time, is corrected by its answers, charges tokens as well as
 * requests, and makes callers wait on Vert.x timers rather than threads.
 */
public final class UpstreamPacer {

    private final Vertx vertx;
    private final Settings settings;
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private final RateBucket requests;
    private final RateBucket tokens;

    private long queuedTokens;
    private long pausedUntil;
    private long timer = -1;
    /** Whether the deployment has answered once, so that its limits (or their absence) are known. */
    private boolean answered;
    /** The one attempt let through before the first answer, null when none is in flight. */
    private Waiter probe;
    /**
     * Whether the deployment answered without announcing any limit, and none is configured: then nothing is
     * paced, nothing waits and no pause is held, so every method answers without the lock, and an upstream that
     * announces no limits costs the event loops no contention. Written under the lock; false again for good once
     * a limit is learned.
     */
    private volatile boolean unpaced;

    /**
     * How a deployment is paced.
     *
     * @param enabled false: every attempt goes at once and nothing is learned
     * @param maxPause the longest a 429's delay holds attempts back
     * @param burst how much of a per-minute rate may go at once, as the time it takes to refill
     * @param rpm a configured requests-per-minute limit, 0 for none
     * @param tpm a configured tokens-per-minute limit, 0 for none
     * @param headroom the share of a known rate left unused, from 0 (pace at the rate) to below 1
     */
    public record Settings(boolean enabled, Duration maxPause, Duration burst, long rpm, long tpm, double headroom) {

        public Settings {
            if (!(headroom >= 0 && headroom < 1)) {
                throw new IllegalArgumentException("headroom must be at least 0 and below 1, was " + headroom);
            }
        }
    }

    /** A pacer for one deployment. */
    public UpstreamPacer(Vertx vertx, Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
        long now = System.nanoTime();
        double share = 1 - settings.headroom();
        this.requests = new RateBucket(settings.burst().toNanos(), settings.rpm(), share, now);
        this.tokens = new RateBucket(settings.burst().toNanos(), settings.tpm(), share, now);
    }

    /**
     * Runs {@code send} on the caller's context once an attempt of {@code cost} tokens may go upstream: at once
     * while there is room, else in arrival order as the allowance refills. The returned ticket cancels the wait;
     * the caller also cancels it when the attempt is over, which lets the next one go during slow start.
     */
    public Ticket acquire(long cost, Runnable send) {
        if (!settings.enabled() || unpaced) {
            send.run();
            return Ticket.GRANTED;
        }
        Waiter waiter = new Waiter(vertx.getOrCreateContext(), send, cost);
        boolean now;
        boolean probing;
        synchronized (this) {
            now = waiters.isEmpty() && tryTake(waiter, System.nanoTime());
            probing = now && probe == waiter;
            if (!now) {
                waiters.addLast(waiter);
                queuedTokens += cost;
                schedule(System.nanoTime());
            }
        }
        if (now) {
            send.run();
            return probing ? () -> release(waiter) : Ticket.GRANTED;
        }
        return () -> release(waiter);
    }

    /** Forgets a waiter that is no longer wanted: out of the queue, or, as the slow-start probe, over. */
    private void release(Waiter waiter) {
        // Every attempt releases its ticket when it ends: one that left the queue as an ordinary grant costs no lock
        // and no scan of the queue.
        if (waiter.granted) {
            return;
        }
        synchronized (this) {
            forget(waiter);
        }
    }

    private void forget(Waiter waiter) {
        if (waiters.remove(waiter)) {
            queuedTokens -= waiter.cost;
        } else if (probe == waiter) {
            probe = null;
            schedule(System.nanoTime());
        }
    }

    /**
     * Learns from an upstream answer: the announced limits and remaining requests and tokens and, for a 429 with
     * a delay once a rate is known, a pause for every attempt (capped at {@link Settings#maxPause()}). The limits
     * are learned even with pacing off: they tell which requests can never fit.
     */
    public void observe(int status, MultiMap headers, Duration serverDelay) {
        long announcedRequests = parseCount(headers.get("x-ratelimit-limit-requests"));
        long announcedTokens = parseCount(headers.get("x-ratelimit-limit-tokens"));
        if (unpaced && announcedRequests <= 0 && announcedTokens <= 0) {
            return;
        }
        synchronized (this) {
            long now = System.nanoTime();
            answered = true;
            probe = null;
            requests.refill(now);
            tokens.refill(now);
            requests.announce(announcedRequests, settings.rpm(), now);
            tokens.announce(announcedTokens, settings.tpm(), now);
            if (!requests.known() && !tokens.known()) {
                schedule(now);
                // After the queue has gone: a call that sees the flag comes after every attempt waiting now.
                unpaced = true;
                return;
            }
            unpaced = false;
            requests.lowerTo(parseCount(headers.get("x-ratelimit-remaining-requests")));
            tokens.lowerTo(parseCount(headers.get("x-ratelimit-remaining-tokens")));
            if (status == 429 && serverDelay != null) {
                requests.drain();
                long pause = Math.min(serverDelay.toNanos(), settings.maxPause().toNanos());
                pausedUntil = Math.max(pausedUntil, now + pause);
            }
            schedule(now);
        }
    }

    /** Learns a tokens-per-minute limit the deployment stated in an answer's body rather than its headers. */
    public synchronized void announceTokenLimit(long limit) {
        tokens.announce(limit, settings.tpm(), System.nanoTime());
        unpaced = unpaced && !tokens.known();
    }

    /**
     * Nanoseconds until an attempt of {@code cost} tokens, queued now behind those already waiting, could go:
     * the rest of a pause, or the refill its place in the queue needs.
     */
    public long predictedWaitNanos(long cost) {
        if (!settings.enabled() || unpaced) {
            return 0;
        }
        synchronized (this) {
            long now = System.nanoTime();
            requests.refill(now);
            tokens.refill(now);
            long refill = Math.max(requests.nanosUntil(waiters.size(), 1), tokens.nanosUntil(queuedTokens, cost));
            return Math.max(Math.max(0, pausedUntil - now), refill);
        }
    }

    /** Nanoseconds left of a 429's pause; 0 when attempts are not held back for one. */
    public long pausedForNanos() {
        if (!settings.enabled() || unpaced) {
            return 0;
        }
        synchronized (this) {
            return Math.max(0, pausedUntil - System.nanoTime());
        }
    }

    /** The tokens-per-minute limit known (announced or configured), 0 while unknown. */
    public long tokenLimit() {
        if (unpaced) {
            return 0;
        }
        synchronized (this) {
            return tokens.limit();
        }
    }

    /** The requests-per-minute limit known (announced or configured), 0 while unknown. */
    public long requestLimit() {
        if (unpaced) {
            return 0;
        }
        synchronized (this) {
            return requests.limit();
        }
    }

    /** Attempts waiting for their turn now. */
    public int waiting() {
        if (unpaced) {
            return 0;
        }
        synchronized (this) {
            return waiters.size();
        }
    }

    /** Cancels a wait for an attempt that is no longer wanted. */
    @FunctionalInterface
    public interface Ticket {
        /** A ticket whose attempt already went: nothing to cancel. */
        Ticket GRANTED = () -> {
        };

        void cancel();
    }

    private boolean tryTake(Waiter waiter, long now) {
        if (slowStart()) {
            if (probe != null) {
                return false;
            }
            probe = waiter;
            return true;
        }
        long cost = waiter.cost;
        // Refilled first, also during a pause, so that the wait computed from the levels is not stale.
        requests.refill(now);
        tokens.refill(now);
        if (now - pausedUntil < 0 || !requests.hasRoomFor(1) || !tokens.hasRoomFor(cost)) {
            return false;
        }
        requests.take(1);
        tokens.take(cost);
        return true;
    }

    /** Grants what can go now, and sets one timer for when the next waiter's turn comes. Holds the lock. */
    private void schedule(long now) {
        while (!waiters.isEmpty() && tryTake(waiters.peekFirst(), now)) {
            Waiter next = waiters.pollFirst();
            queuedTokens -= next.cost;
            next.granted = probe != next;
            next.context.runOnContext(v -> next.send.run());
        }
        // During slow start the probe's answer or end, not a timer, lets the next attempt go.
        if (waiters.isEmpty() || timer != -1 || slowStart()) {
            return;
        }
        long wait = Math.max(pausedUntil - now,
                Math.max(requests.nanosUntil(0, 1), tokens.nanosUntil(0, waiters.peekFirst().cost)));
        timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
            synchronized (this) {
                timer = -1;
                schedule(System.nanoTime());
            }
        });
    }

    /** Whether nothing is known yet, neither an answer nor a configured limit: one attempt at a time. */
    private boolean slowStart() {
        return !answered && !requests.known() && !tokens.known();
    }

    private static long parseCount(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An attempt waiting for its turn; {@code granted} once it left the queue other than as the probe. */
    private static final class Waiter {

        private final Context context;
        private final Runnable send;
        private final long cost;
        private volatile boolean granted;

        Waiter(Context context, Runnable send, long cost) {
            this.context = context;
            this.send = send;
            this.cost = cost;
        }
    }
}
