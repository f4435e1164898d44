package dev.surge.simulator.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.simulator.Stats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts chat requests for {@code /sim/stats} and Prometheus. A reset swaps in fresh counters; requests
 * in flight then finish on the counters they started with, so the new ones never go negative.
 * Prometheus counters are never reset: scrapers expect them to only grow.
 */
@ApplicationScoped
public class StatsService {

    private final AtomicReference<Generation> generation = new AtomicReference<>(new Generation());
    private final MeterRegistry registry;
    private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> rateLimitCounters = new ConcurrentHashMap<>();
    private final Counter promptTokens;
    private final Counter completionTokens;

    StatsService(MeterRegistry registry) {
        this.registry = registry;
        promptTokens = Counter.builder("surge.simulator.tokens").tag("kind", "prompt")
                .description("Tokens of answered completions").register(registry);
        completionTokens = Counter.builder("surge.simulator.tokens").tag("kind", "completion")
                .description("Tokens of answered completions").register(registry);
        Gauge.builder("surge.simulator.concurrent", generation, g -> g.get().global.concurrent.get())
                .description("Chat requests in flight").register(registry);
    }

    /** Starts counting a request of {@code keyId}; it is in flight until {@link Tracker#end()}. */
    public Tracker begin(String keyId) {
        Generation current = generation.get();
        return new Tracker(current.global, current.keys.computeIfAbsent(keyId, k -> new Counters()));
    }

    /** Zeroes every count (requests in flight stay out of the new counts). */
    public void reset() {
        generation.set(new Generation());
    }

    /** The counts now. */
    public Stats snapshot() {
        Generation current = generation.get();
        Map<String, Stats.Counts> keys = new TreeMap<>();
        current.keys.forEach((key, counts) -> keys.put(key, counts.snapshot()));
        return new Stats(current.global.snapshot(), keys);
    }

    /**
     * One request's bookkeeping. Confined to the request's event loop, except that the counters it
     * updates are shared and thread-safe.
     */
    public final class Tracker {

        private final Counters global;
        private final Counters key;
        private String outcome;
        private boolean ended;

        private Tracker(Counters global, Counters key) {
            this.global = global;
            this.key = key;
            global.start();
            key.start();
        }

        /** Requests of this key in flight, this one included. */
        public int keyConcurrent() {
            return key.concurrent.get();
        }

        /** Records how the request ended; only the first outcome counts. */
        public void outcome(String status) {
            if (outcome != null) {
                return;
            }
            outcome = status;
            global.outcome(status);
            key.outcome(status);
            requestCounters.computeIfAbsent(status, s -> Counter.builder("surge.simulator.requests").tag("status", s)
                    .description("Chat requests by outcome").register(registry)).increment();
        }

        /** Records a 429 of {@code type} ({@code requests}, {@code tokens}, {@code concurrency}, {@code insufficient_quota}). */
        public void rateLimited(String type) {
            global.rateLimited.increment();
            key.rateLimited.increment();
            rateLimitCounters.computeIfAbsent(type, t -> Counter.builder("surge.simulator.rate.limited").tag("type", t)
                    .description("Chat requests answered 429").register(registry)).increment();
            outcome("429");
        }

        /** Records the tokens of an answered completion. */
        public void tokens(long prompt, long completion) {
            global.tokens(prompt, completion);
            key.tokens(prompt, completion);
            promptTokens.increment(prompt);
            completionTokens.increment(completion);
        }

        /** The request left: no longer in flight. Without an outcome, the client went away first. */
        public void end() {
            if (ended) {
                return;
            }
            ended = true;
            outcome("client_closed");
            global.concurrent.decrementAndGet();
            key.concurrent.decrementAndGet();
        }
    }

    private static final class Generation {
        final Counters global = new Counters();
        final Map<String, Counters> keys = new ConcurrentHashMap<>();
    }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder completionTokens = new LongAdder();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger concurrentPeak = new AtomicInteger();

        void start() {
            requests.increment();
            concurrentPeak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        }

        void outcome(String status) {
            byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        }

        void tokens(long prompt, long completion) {
            promptTokens.add(prompt);
            completionTokens.add(completion);
        }

        Stats.Counts snapshot() {
            Map<String, Long> statuses = new TreeMap<>();
            byStatus.forEach((status, count) -> statuses.put(status, count.sum()));
            return new Stats.Counts(requests.sum(), statuses, rateLimited.sum(), promptTokens.sum(),
                    completionTokens.sum(), concurrent.get(), concurrentPeak.get());
        }
    }
}
