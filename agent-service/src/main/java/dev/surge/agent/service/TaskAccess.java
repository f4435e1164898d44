package dev.surge.agent.service;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.surge.agent.Owner;
import dev.surge.agent.service.ConversationException.Reason;
import dev.surge.agent.workflow.ConversationView;
import dev.surge.agent.workflow.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;

/**
 * Decides whether a task id names a task of the caller. A malformed id is refused without asking Temporal; otherwise
 * a describe (which needs no worker) checks the workflow type, so nothing of another application is ever queried,
 * signalled, updated or cancelled, and the owner in the memo. Neither ever changes, so a
 * verified task is remembered and later calls on it (every message, every read) cost no extra round trip. Anyone but
 * the owner gets exactly the answer of an unknown id.
 */
@ApplicationScoped
public class TaskAccess {

    /** Tasks whose owner this replica knows; an entry is small, and forgetting one costs one describe. */
    private static final long KNOWN_TASKS = 100_000;

    private final WorkflowClient client;
    private final TemporalCalls calls;
    private final Cache<String, Owner> owners = Caffeine.newBuilder().maximumSize(KNOWN_TASKS).build();

    public TaskAccess(WorkflowClient client, TemporalCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    /** The workflow id of the caller's task, verified once per replica. */
    public String require(Owner caller, String taskId) {
        String workflowId = workflowId(taskId);
        Owner owner = owners.getIfPresent(workflowId);
        if (owner == null) {
            describe(caller, taskId);
        } else if (!owner.equals(caller)) {
            throw notFound(taskId);
        }
        return workflowId;
    }

    /** The caller's task as Temporal describes it now (its status included). */
    public WorkflowExecutionDescription describe(Owner caller, String taskId) {
        String workflowId = workflowId(taskId);
        WorkflowExecutionDescription description;
        try {
            description = calls.call(() -> client.newUntypedWorkflowStub(workflowId).describe());
        } catch (WorkflowNotFoundException e) {
            throw notFound(taskId);
        }
        if (!WorkflowIds.CONVERSATION_TYPE.equals(description.getWorkflowType())) {
            throw notFound(taskId);
        }
        Object owner = description.getMemo(WorkflowIds.OWNER_MEMO, Owner.class);
        if (owner == null) {
            // A Temporal cluster keeps the memo across continue-as-new; the test server (dev mode, the demo) drops it.
            // The workflow is Surge's own type, so Surge's worker answers the query.
            owner = calls.call(() -> client.newUntypedWorkflowStub(workflowId).query("history", ConversationView.class))
                    .owner();
        }
        if (!caller.equals(owner)) {
            throw notFound(taskId);
        }
        owners.put(workflowId, caller);
        return description;
    }

    /** Records the owner of a task this replica has just started. */
    public void remember(String taskId, Owner owner) {
        owners.put(workflowId(taskId), owner);
    }

    /** The workflow id of a task id in Surge's format; 404 for anything else. */
    public static String workflowId(String taskId) {
        return WorkflowIds.ofTask(taskId).orElseThrow(() -> notFound(taskId));
    }

    static ConversationException notFound(String taskId) {
        return new ConversationException(Reason.TASK_NOT_FOUND, "no task " + taskId);
    }
}
