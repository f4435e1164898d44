package dev.surge.agent.workflow;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import io.quarkus.runtime.ShutdownEvent;
import io.temporal.worker.WorkerFactory;

/**
 * Graceful shutdown of the LLM work on this instance (SIGTERM, a rolling restart): the worker stops taking
 * activities, then {@link LlmCallQueue#drain()} lets calls in flight finish within the grace period and hands
 * the rest back to Temporal, which retries them on another instance.
 */
@ApplicationScoped
class LlmWorkerShutdown {

    private final Instance<WorkerFactory> workers;
    private final LlmCallQueue queue;

    LlmWorkerShutdown(Instance<WorkerFactory> workers, LlmCallQueue queue) {
        this.workers = workers;
        this.queue = queue;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        if (workers.isResolvable()) {
            workers.get().suspendPolling();
        }
        queue.drain();
    }
}
