package dev.surge.gateway.service;

import java.util.ArrayDeque;
import java.util.Deque;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.surge.gateway.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/**
 * Bounds the calls in flight towards the upstream, with a short queue: a call that finds every slot taken waits
 * at most {@code surge.gateway.queue-timeout}, then is shed. Waiting uses Vert.x timers, never a blocked thread;
 * each answer is delivered on the caller's own context.
 */
@Singleton
public class InFlightLimiter {

    private final Vertx vertx;
    private final int maxInFlight;
    private final long queueTimeoutMillis;
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private int inFlight;

    @Inject
    InFlightLimiter(Vertx vertx, GatewayConfig config) {
        this.vertx = vertx;
        this.maxInFlight = config.maxInFlight();
        this.queueTimeoutMillis = config.queueTimeout().toMillis();
    }

    /**
     * Asks for a slot; {@code onDecision} gets true once it holds one (then it must {@link #release()} it), or
     * false if none came free in time.
     */
    public void acquire(Handler<Boolean> onDecision) {
        Context context = vertx.getOrCreateContext();
        Waiter waiter;
        synchronized (this) {
            if (inFlight < maxInFlight) {
                inFlight++;
                waiter = null;
            } else if (queueTimeoutMillis <= 0) {
                context.runOnContext(v -> onDecision.handle(false));
                return;
            } else {
                waiter = new Waiter(context, onDecision);
                waiters.addLast(waiter);
            }
        }
        if (waiter == null) {
            onDecision.handle(true);
            return;
        }
        long timer = vertx.setTimer(queueTimeoutMillis, id -> {
            boolean stillWaiting;
            synchronized (this) {
                stillWaiting = waiters.remove(waiter);
            }
            if (stillWaiting) {
                context.runOnContext(v -> onDecision.handle(false));
            }
        });
        synchronized (this) {
            waiter.timer = timer;
        }
    }

    /** Gives a slot back: to the longest waiting call if there is one. */
    public void release() {
        Waiter next;
        synchronized (this) {
            next = waiters.pollFirst();
            if (next == null) {
                inFlight--;
            }
        }
        if (next != null) {
            long timer;
            synchronized (this) {
                timer = next.timer;
            }
            vertx.cancelTimer(timer);
            next.context.runOnContext(v -> next.onDecision.handle(true));
        }
    }

    /** Calls holding a slot now. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** Calls waiting for a slot now. */
    public synchronized int queued() {
        return waiters.size();
    }

    private static final class Waiter {
        final Context context;
        final Handler<Boolean> onDecision;
        long timer = -1;

        Waiter(Context context, Handler<Boolean> onDecision) {
            this.context = context;
            this.onDecision = onDecision;
        }
    }
}
