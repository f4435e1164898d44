package dev.surge.agent.workflow;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import dev.surge.agent.service.ShutdownSignal;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.temporal.worker.WorkerFactory;

/**
 * Graceful shutdown of this instance (SIGTERM, a rolling restart). As soon as it begins, while readiness turns
 * DOWN: POSTs waiting for a reply answer 202 (their frontends re-send them to an instance that stays), the worker
 * stops taking workflow and activity tasks, LLM calls still waiting for a turn are handed back to Temporal and
 * those in flight start their grace period ({@code surge.llm.shutdown-grace}). Then the shutdown delay and the
 * HTTP drain pass; at the end the calls not finished within the grace are handed back too, and Temporal retries
 * them on another instance. The Temporal connection stays open until then, so that the calls that finish can
 * still complete their activities.
 */
@ApplicationScoped
class LlmWorkerShutdown {

    private final Instance<WorkerFactory> workers;
    private final LlmCallQueue queue;
    private final ShutdownSignal signal;

    LlmWorkerShutdown(Instance<WorkerFactory> workers, LlmCallQueue queue, ShutdownSignal signal) {
        this.workers = workers;
        this.queue = queue;
        this.signal = signal;
    }

    void onShutdownBegun(@Observes ShutdownDelayInitiatedEvent event) {
        signal.begin();
        if (workers.isResolvable()) {
            workers.get().suspendPolling();
        }
        queue.beginDrain();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        // Without a shutdown delay (quarkus.shutdown.delay-enabled=false) the shutdown begins here.
        onShutdownBegun(null);
        queue.awaitDrained();
    }
}
