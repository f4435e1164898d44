package dev.surge.agent.workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.surge.agent.config.SurgeConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Where LLM activity attempts wait for their turn towards the gateway: at most
 * {@code surge.llm.max-concurrent-calls} calls in flight, the others waiting in the order their messages were
 * accepted, across all conversations, whatever order Temporal's task queue handed them out in (the test
 * server's is not FIFO). A waiting or running call holds no thread: the activity is completed asynchronously,
 * and the gateway call is non-blocking.
 * <p>
 * Every pending call heartbeats at a third of the heartbeat timeout, so that a call whose instance died is
 * retried elsewhere, and a call whose cancellation was requested (the task was cancelled) is abandoned. On
 * shutdown, calls still waiting are handed back to Temporal at once, calls in flight get
 * {@code surge.llm.shutdown-grace} to finish, then are handed back too.
 * <p>
 * Written here rather than with SmallRye Fault Tolerance's {@code @Bulkhead}: a bulkhead queues in arrival
 * order and blocks or rejects, while this queue orders by the message's acceptance time (a retried attempt
 * keeps its place), heartbeats what waits, and hands waiting work back to Temporal on shutdown.
 */
@ApplicationScoped
public class LlmCallQueue {

    private static final Logger LOG = Logger.getLogger(LlmCallQueue.class);
    /** Heartbeats in flight at once: each is one short gRPC call, so a few threads keep hundreds of calls alive. */
    private static final int HEARTBEAT_THREADS = 8;
    private static final Comparator<PendingLlmCall> OLDEST_FIRST = Comparator
            .comparingLong(PendingLlmCall::acceptedAtMillis)
            .thenComparingLong(PendingLlmCall::arrival);

    private final int maxConcurrent;
    private final Duration shutdownGrace;
    private final PriorityQueue<PendingLlmCall> waiting = new PriorityQueue<>(OLDEST_FIRST);
    private final Set<PendingLlmCall> pending = ConcurrentHashMap.newKeySet();
    /** Temporal's completion calls block on gRPC: they run here, never on an event loop. */
    private final ExecutorService blocking = Executors.newFixedThreadPool(4, daemon("llm-completions"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            daemon("llm-heartbeats"));
    /**
     * The heartbeat calls, which also block on gRPC, on threads of their own: with hundreds of calls pending and a
     * slow Temporal server a round of heartbeats takes seconds, and completions queued behind it delayed every reply
     * (and, with the heartbeats themselves late, timed attempts out and sent them to the provider again).
     */
    private final ExecutorService heartbeatCalls = Executors.newFixedThreadPool(HEARTBEAT_THREADS,
            daemon("llm-heartbeat-calls"));
    /** Calls whose heartbeat is queued or in progress: a round adds no second one while the first has not ended. */
    private final Set<PendingLlmCall> heartbeating = ConcurrentHashMap.newKeySet();
    private long arrivals;
    private int running;
    private boolean draining;
    /** When the calls in flight at shutdown must have finished ({@link System#nanoTime()}). */
    private long drainDeadline;

    @Inject
    LlmCallQueue(SurgeConfig config, MeterRegistry registry) {
        this(config.llm().maxConcurrentCalls(), config.llm().heartbeatTimeout(), config.llm().shutdownGrace());
        Gauge.builder("surge.llm.calls.waiting", this, LlmCallQueue::waiting)
                .description("LLM calls waiting for their turn towards the gateway")
                .register(registry);
        Gauge.builder("surge.llm.calls.in.flight", this, LlmCallQueue::running)
                .description("LLM calls in flight towards the gateway")
                .register(registry);
    }

    LlmCallQueue(int maxConcurrent, Duration heartbeatTimeout, Duration shutdownGrace) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("surge.llm.max-concurrent-calls must be at least 1");
        }
        this.maxConcurrent = maxConcurrent;
        this.shutdownGrace = shutdownGrace;
        long interval = Math.max(100, heartbeatTimeout.toMillis() / 3);
        heartbeats.scheduleWithFixedDelay(this::heartbeatAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** The next arrival number, to order calls accepted in the same millisecond. */
    synchronized long nextArrival() {
        return arrivals++;
    }

    /** Queues a call; it starts as soon as it is the oldest waiting and a turn is free. */
    void submit(PendingLlmCall call) {
        boolean handBack;
        synchronized (this) {
            handBack = draining;
            if (!handBack) {
                pending.add(call);
                waiting.add(call);
            }
        }
        if (handBack) {
            blocking.execute(() -> call.handBack("this agent-service instance is shutting down"));
            return;
        }
        dispatch();
    }

    /** Calls waiting for a turn now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Calls in flight towards the gateway now. */
    public synchronized int running() {
        return running;
    }

    private void dispatch() {
        List<PendingLlmCall> starting = new ArrayList<>();
        synchronized (this) {
            while (!draining && running < maxConcurrent && !waiting.isEmpty()) {
                PendingLlmCall next = waiting.poll();
                if (next.state() == PendingLlmCall.State.QUEUED) {
                    running++;
                    starting.add(next);
                }
            }
        }
        for (PendingLlmCall call : starting) {
            call.start(blocking, () -> released(call));
        }
    }

    private void released(PendingLlmCall call) {
        pending.remove(call);
        synchronized (this) {
            running--;
            notifyAll();
        }
        dispatch();
    }

    private void heartbeatAll() {
        for (PendingLlmCall call : pending) {
            if (!heartbeating.add(call)) {
                continue;
            }
            heartbeatCalls.execute(() -> {
                try {
                    if (!call.heartbeat()) {
                        drop(call);
                    }
                } finally {
                    heartbeating.remove(call);
                }
            });
        }
    }

    /** Forgets a call that is no longer wanted; a running one freed its turn when it was abandoned. */
    private void drop(PendingLlmCall call) {
        synchronized (this) {
            waiting.remove(call);
        }
        pending.remove(call);
    }

    /**
     * Stops taking turns: waiting calls are handed back to Temporal at once, calls in flight get the grace period
     * to finish, and whatever is still running after it is handed back too. Called once the worker stopped
     * polling, when the instance shuts down.
     */
    public void drain() {
        beginDrain();
        awaitDrained();
    }

    /**
     * Stops taking turns and hands the waiting calls back to Temporal, without waiting: the grace period of the
     * calls in flight starts now. Called as soon as the instance begins to shut down; a second call changes nothing.
     */
    public void beginDrain() {
        List<PendingLlmCall> handBack;
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
            drainDeadline = System.nanoTime() + shutdownGrace.toNanos();
            handBack = new ArrayList<>(waiting);
            waiting.clear();
        }
        handBack.forEach(call -> blocking.execute(() -> {
            pending.remove(call);
            call.handBack("this agent-service instance is shutting down");
        }));
        LOG.infof("LLM calls draining: %d waiting handed back to Temporal, %d in flight have %d s to finish",
                handBack.size(), running(), shutdownGrace.toSeconds());
    }

    /**
     * Waits until the calls in flight have finished or the grace period that {@link #beginDrain()} started has
     * passed, then hands whatever is unfinished back to Temporal.
     */
    public void awaitDrained() {
        beginDrain();
        synchronized (this) {
            while (running > 0 && drainDeadline - System.nanoTime() > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, drainDeadline - System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<PendingLlmCall> cutShort = List.copyOf(pending);
        cutShort.forEach(call -> blocking.execute(() ->
                call.handBack("this agent-service instance shut down before the reply came")));
        pending.clear();
        LOG.infof("LLM calls drained: %d unfinished handed back to Temporal", cutShort.size());
    }

    @PreDestroy
    void stop() {
        heartbeats.shutdownNow();
        heartbeatCalls.shutdownNow();
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(5, TimeUnit.SECONDS)) {
                blocking.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
