package dev.surge.agent.service;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.surge.agent.Owner;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.service.ConversationException.Reason;

/**
 * The per-owner quotas this replica keeps: task creations and messages per minute (a token bucket per owner,
 * holding a minute's allowance and refilling continuously) and concurrent {@code /stream} subscriptions. The
 * open-task quota spans replicas and lives in the owner's directory workflow instead.
 * <p>
 * Hand-written rather than SmallRye Fault Tolerance's {@code @RateLimit}, which limits a method as a whole and has no
 * notion of a key such as the owner.
 */
@ApplicationScoped
public class Quotas {

    /** A bucket unused for this long is full again, so forgetting it changes nothing. */
    private static final Duration IDLE_BUCKET = Duration.ofMinutes(2);
    private static final long OWNERS = 100_000;

    private final SurgeConfig.Quotas config;
    private final Cache<Owner, Bucket> taskCreations = buckets();
    private final Cache<Owner, Bucket> messages = buckets();
    private final ConcurrentMap<Owner, AtomicInteger> streamsByOwner = new ConcurrentHashMap<>();
    private final AtomicInteger streams = new AtomicInteger();

    public Quotas(SurgeConfig config) {
        this.config = config.quotas();
    }

    /** Takes one task creation from the owner's allowance, or refuses with 429. */
    public void takeTaskCreation(Owner owner) {
        take(taskCreations, owner, config.tasksPerMinute(), "tasks");
    }

    /** Takes one message from the owner's allowance, or refuses with 429. */
    public void takeMessage(Owner owner) {
        take(messages, owner, config.messagesPerMinute(), "messages");
    }

    /** Opens a {@code /stream} subscription, or refuses with 429; close the result when the stream ends. */
    public Runnable openStream(Owner owner) {
        if (streams.incrementAndGet() > config.streams()) {
            streams.decrementAndGet();
            throw busy("too many event streams are open; try again later");
        }
        AtomicInteger mine = streamsByOwner.computeIfAbsent(owner, o -> new AtomicInteger());
        if (mine.incrementAndGet() > config.streamsPerOwner()) {
            release(owner, mine);
            throw busy("at most " + config.streamsPerOwner() + " event streams at once; close one first");
        }
        return new Runnable() {
            private boolean closed;

            @Override
            public synchronized void run() {
                if (!closed) {
                    closed = true;
                    release(owner, mine);
                }
            }
        };
    }

    /** The 429 of a quota that frees up only when something ends. */
    public ConversationException busy(String detail) {
        return new ConversationException(Reason.QUOTA_EXCEEDED, detail, Math.max(1, config.retryAfter().toSeconds()));
    }

    private void release(Owner owner, AtomicInteger mine) {
        streams.decrementAndGet();
        if (mine.decrementAndGet() == 0) {
            streamsByOwner.remove(owner, mine);
        }
    }

    private static void take(Cache<Owner, Bucket> buckets, Owner owner, int perMinute, String what) {
        long waitMillis = buckets.get(owner, o -> new Bucket(perMinute, System.nanoTime())).take(System.nanoTime());
        if (waitMillis > 0) {
            throw new ConversationException(Reason.QUOTA_EXCEEDED, "at most " + perMinute + " " + what
                    + " a minute; try again later", Math.max(1, (waitMillis + 999) / 1000));
        }
    }

    private static Cache<Owner, Bucket> buckets() {
        return Caffeine.newBuilder().expireAfterAccess(IDLE_BUCKET).maximumSize(OWNERS).build();
    }

    /** A minute's allowance, refilling continuously at {@code perMinute} a minute. */
    static final class Bucket {

        private final double capacity;
        private final double perNano;
        private double tokens;
        private long lastNanos;

        Bucket(int perMinute, long nowNanos) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
            this.lastNanos = nowNanos;
        }

        /** Takes one token: 0 when taken, else the milliseconds until one is there. */
        synchronized long take(long nowNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
            lastNanos = nowNanos;
            if (tokens >= 1) {
                tokens--;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano / 1e6);
        }
    }
}
