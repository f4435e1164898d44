package dev.surge.gateway.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.surge.gateway.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/**
 * Paces attempts to the request rate the upstream announces, so that a crowd of callers queues here instead of
 * turning one rate limit into a retry storm. OpenAI counts rejected requests against the limit: once a key is in
 * debt, every early retry deepens it, and callers that each honour their own {@code retry-after-ms} come back
 * together and are refused together. One shared view of the limit avoids that.
 *
 * <p>The view is a mirror of the provider's request bucket: it holds {@code x-ratelimit-limit-requests} (a
 * minute's allowance), refills continuously at that rate, takes one per attempt sent, is lowered to
 * {@code x-ratelimit-remaining-requests} whenever the provider reports less, and after a 429 holds every attempt
 * until the delay the provider gave has passed. Until the upstream announces a limit nothing is paced.
 *
 * <p>Written here rather than taken from SmallRye Fault Tolerance's {@code @RateLimit} (or a token-bucket
 * library): those enforce a rate fixed in configuration and refuse or block when it is exceeded, while this one
 * follows limits the provider announces at run time, is corrected by its answers, and makes callers wait on
 * Vert.x timers rather than threads.
 */
@ApplicationScoped
public class UpstreamPacer {

    private static final double NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final Vertx vertx;
    private final boolean enabled;
    private final Duration maxPause;
    private final Deque<Waiter> waiters = new ArrayDeque<>();

    /** A minute's allowance as last announced; 0 while unknown. */
    private long limit;
    private double level;
    private long refilledAt;
    private long pausedUntil;
    private long timer = -1;

    @Inject
    UpstreamPacer(Vertx vertx, GatewayConfig config) {
        this(vertx, config.upstream().pacing(), config.maxRetryAfter());
    }

    UpstreamPacer(Vertx vertx, boolean enabled, Duration maxPause) {
        this.vertx = vertx;
        this.enabled = enabled;
        this.maxPause = maxPause;
    }

    /**
     * Runs {@code send} on the caller's context once an attempt may go upstream: at once while there is room,
     * else in arrival order as the allowance refills. The returned ticket cancels the wait.
     */
    public Ticket acquire(Runnable send) {
        if (!enabled) {
            send.run();
            return Ticket.GRANTED;
        }
        Waiter waiter = new Waiter(vertx.getOrCreateContext(), send);
        boolean now;
        synchronized (this) {
            now = waiters.isEmpty() && tryTake(System.nanoTime());
            if (!now) {
                waiters.addLast(waiter);
                schedule(System.nanoTime());
            }
        }
        if (now) {
            send.run();
            return Ticket.GRANTED;
        }
        return () -> {
            synchronized (this) {
                waiters.remove(waiter);
            }
        };
    }

    /**
     * Learns from an upstream answer: the announced limit and remaining requests and, for a 429 with a delay, a
     * pause for every attempt (capped at {@code surge.gateway.max-retry-after}).
     */
    public void observe(int status, MultiMap headers, Duration serverDelay) {
        if (!enabled) {
            return;
        }
        long announced = parseCount(headers.get("x-ratelimit-limit-requests"));
        long remaining = parseCount(headers.get("x-ratelimit-remaining-requests"));
        synchronized (this) {
            if (announced <= 0 && limit == 0) {
                return;
            }
            long now = System.nanoTime();
            refill(now);
            if (announced > 0 && announced != limit) {
                level = limit == 0 ? announced : Math.min(level, announced);
                limit = announced;
            }
            if (remaining >= 0 && remaining < level) {
                level = remaining;
            }
            if (status == 429 && serverDelay != null) {
                level = Math.min(level, 0);
                long pause = Math.min(serverDelay.toNanos(), maxPause.toNanos());
                pausedUntil = Math.max(pausedUntil, now + pause);
            }
            schedule(now);
        }
    }

    /** Attempts waiting for their turn now. */
    public synchronized int waiting() {
        return waiters.size();
    }

    /** Cancels a wait for an attempt that is no longer wanted. */
    @FunctionalInterface
    public interface Ticket {
        /** A ticket whose attempt already went: nothing to cancel. */
        Ticket GRANTED = () -> {
        };

        void cancel();
    }

    private boolean tryTake(long now) {
        // Refilled first, also during a pause, so that the wait computed from the level is not stale.
        refill(now);
        if (now - pausedUntil < 0) {
            return false;
        }
        if (limit == 0) {
            return true;
        }
        if (level < 1) {
            return false;
        }
        level -= 1;
        return true;
    }

    private void refill(long now) {
        if (limit > 0) {
            level = Math.min(limit, level + (now - refilledAt) * (limit / NANOS_PER_MINUTE));
        }
        refilledAt = now;
    }

    /** Grants what can go now, and sets one timer for when the next waiter's turn comes. Holds the lock. */
    private void schedule(long now) {
        while (!waiters.isEmpty() && tryTake(now)) {
            Waiter next = waiters.pollFirst();
            next.context.runOnContext(v -> next.send.run());
        }
        if (waiters.isEmpty() || timer != -1) {
            return;
        }
        long wait = Math.max(pausedUntil - now, limit == 0 ? 0 : (long) Math.ceil((1 - level) * NANOS_PER_MINUTE / limit));
        timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
            synchronized (this) {
                timer = -1;
                schedule(System.nanoTime());
            }
        });
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

    private record Waiter(Context context, Runnable send) {
    }
}
