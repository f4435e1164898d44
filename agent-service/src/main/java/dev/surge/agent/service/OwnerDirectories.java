package dev.surge.agent.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.agent.Owner;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.workflow.DirectoryRejection;
import dev.surge.agent.workflow.OpenTask;
import dev.surge.agent.workflow.OwnerDirectory;
import dev.surge.agent.workflow.OwnerDirectoryInput;
import dev.surge.agent.workflow.WorkflowIds;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;

/**
 * The owners' directory workflows as the service uses them: one per owner, started on the owner's first task. All
 * calls run under {@link TemporalCalls}' deadline.
 */
@ApplicationScoped
public class OwnerDirectories {

    private final WorkflowClient client;
    private final TemporalCalls calls;
    private final Quotas quotas;
    private final SurgeConfig config;

    public OwnerDirectories(WorkflowClient client, TemporalCalls calls, Quotas quotas, SurgeConfig config) {
        this.client = client;
        this.calls = calls;
        this.quotas = quotas;
        this.config = config;
    }

    /** Registers a task about to start as open; 429 when the owner has as many open tasks as allowed. */
    public void open(Owner owner, String taskId, String agent, Instant createdAt) {
        OpenTask task = new OpenTask(taskId, agent, createdAt, config.quotas().openTasksPerOwner());
        try {
            try {
                update(owner, task);
            } catch (WorkflowNotFoundException first) {
                start(owner);
                update(owner, task);
            }
        } catch (WorkflowUpdateException rejected) {
            String message = rejected.getCause() instanceof ApplicationFailure failure
                    ? failure.getOriginalMessage() : null;
            if (message != null && message.startsWith(DirectoryRejection.TOO_MANY_OPEN_TASKS.name())) {
                throw quotas.busy(message.substring(DirectoryRejection.TOO_MANY_OPEN_TASKS.name().length() + 1).trim());
            }
            throw rejected;
        }
    }

    /** Marks a task ended (for a task that could not start; a running conversation reports its own end). */
    public void close(Owner owner, String taskId) {
        calls.run(() -> client.newUntypedWorkflowStub(WorkflowIds.ofOwner(owner)).signal("taskEnded", taskId));
    }

    private void update(Owner owner, OpenTask task) {
        calls.run(() -> client.newUntypedWorkflowStub(WorkflowIds.ofOwner(owner)).startUpdate(
                UpdateOptions.newBuilder(Void.class)
                        .setUpdateName("openTask")
                        .setUpdateId(task.taskId())
                        .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                        .build(), task).getResult());
    }

    private void start(Owner owner) {
        OwnerDirectory directory = client.newWorkflowStub(OwnerDirectory.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.ofOwner(owner))
                .setTaskQueue(config.temporal().taskQueue())
                .build());
        try {
            calls.run(() -> WorkflowClient.start(directory::run, OwnerDirectoryInput.EMPTY));
        } catch (WorkflowExecutionAlreadyStarted concurrently) {
            // Another request (or replica) started it a moment ago: use that one.
        }
    }
}
