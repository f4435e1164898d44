package dev.surge.gateway.deployment;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.util.TypeLiteral;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * The cooldown of one deployment after failures: SmallRye Fault Tolerance's circuit breaker, driven through its
 * programmatic {@link TypedGuard}. Each attempt runs as a guarded {@link CompletionStage} that the attempt
 * completes when the deployment has answered: normally when it answered (even with the caller's own error), with
 * {@link CapacityFailure} when it failed for capacity. The breaker opens when the configured share of its last
 * attempts failed, keeps the deployment out for its delay, then lets exactly one probe through (success
 * threshold 1) and closes again if that succeeds.
 *
 * <p>What SmallRye's breaker does not do, and is therefore done elsewhere: the exact cooldown for a delay a
 * provider announces with a 429 is per answer, while a breaker's delay is fixed when it is built, so that pause
 * belongs to the {@link UpstreamPacer}; and a router must know before choosing a deployment whether it would be
 * let through and when it returns, which the guard only tells by refusing a call. This class keeps that view:
 * the state comes from {@link CircuitBreakerMaintenance}, the time it opened from the state-change callback, and
 * whether the half-open probe is out from its own flag.
 */
public final class DeploymentBreaker {

    private static final TypeLiteral<CompletionStage<Void>> STAGE = new TypeLiteral<>() {
    };

    private final String name;
    private final long delayNanos;
    private final TypedGuard<CompletionStage<Void>> guard;
    private final CircuitBreakerMaintenance maintenance = CircuitBreakerMaintenance.get();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long openedAt;

    /**
     * @param name unique among breakers of the application (SmallRye keeps a registry by name)
     * @param window the attempts the failure ratio is taken over
     * @param failureRatio the share of failed attempts in the window that opens the breaker
     * @param delay how long an open breaker keeps its deployment out before the probe
     */
    public DeploymentBreaker(String name, int window, double failureRatio, Duration delay) {
        this.name = name;
        this.delayNanos = delay.toNanos();
        this.guard = TypedGuard.create(STAGE)
                .withDescription(name)
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(window)
                .failureRatio(failureRatio)
                .delay(delay.toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .failOn(CapacityFailure.class)
                .onStateChange(this::changed)
                .done()
                // On a Vert.x event loop the guard would otherwise hand every attempt to a new task of that loop
                // (a queue round trip and a context capture per call) to run what is already non-blocking; an
                // offload to a direct executor runs it in place instead.
                .withThreadOffload(true)
                .withThreadOffloadExecutor(Runnable::run)
                .build();
    }

    /**
     * Lets an attempt through, handing {@code admitted} a permit that must be completed exactly once, or calls
     * {@code refused} while the breaker is open or its probe is out. Either runs on the caller's thread.
     */
    public void enter(Consumer<Permit> admitted, Runnable refused) {
        // Open with its delay over is half-open as soon as the guard is next called: this attempt is the probe.
        boolean probe = state() != CircuitBreakerState.CLOSED;
        if (!admits() || probe && !probing.compareAndSet(false, true)) {
            refused.run();
            return;
        }
        Permit permit = new Permit(new CompletableFuture<>(), probe ? probing : null);
        AtomicBoolean entered = new AtomicBoolean();
        guard.get(() -> {
            entered.set(true);
            admitted.accept(permit);
            return permit.outcome;
        }).whenComplete((result, error) -> {
            if (!entered.get()) {
                permit.releaseProbe();
                refused.run();
            }
        });
    }

    /** Whether an attempt would be let through now. */
    public boolean admits() {
        return switch (state()) {
            case CLOSED -> true;
            case HALF_OPEN -> !probing.get();
            case OPEN -> System.nanoTime() - returnsAt() >= 0;
        };
    }

    /**
     * Nanoseconds until the deployment takes an attempt again; 0 when it does now. A probe that is out counts as
     * returning within a second, its answer not being due sooner than that.
     */
    public long returnsInNanos() {
        return switch (state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> probing.get() ? Duration.ofSeconds(1).toNanos() : 0;
            case OPEN -> Math.max(0, returnsAt() - System.nanoTime());
        };
    }

    /** The breaker's state, for metrics: 0 closed, 1 half-open (probing), 2 open. */
    public int stateCode() {
        return switch (state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    private CircuitBreakerState state() {
        return maintenance.currentState(name);
    }

    private long returnsAt() {
        return openedAt + delayNanos;
    }

    private void changed(CircuitBreakerState state) {
        if (state == CircuitBreakerState.OPEN) {
            openedAt = System.nanoTime();
        }
    }

    /** One attempt let through: complete it once the deployment has answered, or failed to. */
    public static final class Permit {

        private final CompletableFuture<Void> outcome;
        private final AtomicBoolean probing;

        private Permit(CompletableFuture<Void> outcome, AtomicBoolean probing) {
            this.outcome = outcome;
            this.probing = probing;
        }

        /** The deployment answered: a success for the breaker, whatever the answer said about the request. */
        public void answered() {
            complete(null);
        }

        /** The deployment failed for capacity (5xx, 429 without a delay, no connection, no answer in time). */
        public void failed() {
            complete(CapacityFailure.INSTANCE);
        }

        private void complete(CapacityFailure failure) {
            boolean first = failure == null ? outcome.complete(null) : outcome.completeExceptionally(failure);
            if (first) {
                releaseProbe();
            }
        }

        private void releaseProbe() {
            if (probing != null) {
                probing.set(false);
            }
        }
    }

    /** How an attempt tells the breaker it failed for capacity; one shared instance, without a stack trace. */
    static final class CapacityFailure extends RuntimeException {

        static final CapacityFailure INSTANCE = new CapacityFailure();

        private CapacityFailure() {
            super("deployment failed for capacity", null, false, false);
        }
    }
}
