package dev.surge.agent.workflow;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

/**
 * The worker of this replica's own task queue ({@link ReplyStreams#taskQueue()}): it runs the LLM activities of the
 * replies streamed to this replica's callers. Its own {@link WorkerFactory}, since quarkus-temporal's workers are
 * named at build time while this queue is named per replica at start. When the replica is gone, nobody polls the
 * queue: the workflow notices by the activity's schedule-to-start timeout and writes the reply on the shared queue.
 */
@ApplicationScoped
class ReplicaWorker {

    private final WorkflowClient client;
    private final LlmActivitiesImpl activities;
    private final ReplyStreams streams;
    private final int activitySlots;
    private WorkerFactory factory;

    /**
     * @param activitySlots the shared worker's activity slots, the same here: a slot costs no thread (activities
     *                      complete asynchronously) and calls wait in {@link LlmCallQueue}
     */
    ReplicaWorker(WorkflowClient client, LlmActivitiesImpl activities, ReplyStreams streams,
            @ConfigProperty(name = "quarkus.temporal.worker.max-concurrent-activity-execution-size",
                    defaultValue = "2000") int activitySlots) {
        this.client = client;
        this.activities = activities;
        this.streams = streams;
        this.activitySlots = activitySlots;
    }

    void start(@Observes StartupEvent event) {
        factory = WorkerFactory.newInstance(client);
        factory.newWorker(streams.taskQueue(), WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(activitySlots)
                .build())
                .registerActivitiesImplementations(activities);
        factory.start();
    }

    /** Stops polling first, like the shared worker, so that {@link LlmCallQueue#drain()} sees every call. */
    void stop(@Observes ShutdownEvent event) {
        if (factory != null) {
            factory.suspendPolling();
            factory.shutdown();
        }
    }
}
