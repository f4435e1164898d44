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
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
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

    /**
     * Registers a task about to start as open, starting the owner's directory if it is not running: one
     * update-with-start call, so an owner's first task costs the same single round trip as any other (and the
     * directory's first workflow task carries the update). 429 when the owner has as many open tasks as allowed.
     */
    public void open(Owner owner, String taskId, String agent, Instant createdAt) {
        OpenTask task = new OpenTask(taskId, agent, createdAt, config.quotas().openTasksPerOwner());
        OwnerDirectory directory = client.newWorkflowStub(OwnerDirectory.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.ofOwner(owner))
                .setTaskQueue(config.temporal().taskQueue())
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
        try {
            calls.run(() -> WorkflowClient.executeUpdateWithStart(directory::openTask, task,
                    UpdateOptions.<Void>newBuilder()
                            .setUpdateId(task.taskId())
                            .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                            .build(),
                    new WithStartWorkflowOperation<>(directory::run, OwnerDirectoryInput.EMPTY)));
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
}
