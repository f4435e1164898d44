package dev.surge.agent.workflow;

import java.util.Optional;
import java.util.UUID;

import dev.surge.agent.Owner;

/**
 * Surge's namespace inside a Temporal namespace it may share with other applications: a task id is a UUID, its
 * workflow id that UUID behind {@value #TASK_PREFIX}; an owner's directory is {@value #OWNER_PREFIX} and the owner's
 * key. Anything else is not Surge's and is never touched.
 */
public final class WorkflowIds {

    /** Prefix of conversation workflow ids. */
    public static final String TASK_PREFIX = "surge-task-";
    /** Prefix of owner directory workflow ids. */
    public static final String OWNER_PREFIX = "surge-owner-";
    /** The workflow type a task's workflow must have. */
    public static final String CONVERSATION_TYPE = "ConversationWorkflow";
    /** Memo key of a conversation's {@link Owner}, readable by a describe without a worker. */
    public static final String OWNER_MEMO = "owner";

    private WorkflowIds() {
    }

    /** A new task id. */
    public static String newTaskId() {
        return UUID.randomUUID().toString();
    }

    /** The workflow id of a task id in Surge's format (a lower-case UUID), else empty. */
    public static Optional<String> ofTask(String taskId) {
        if (taskId == null || taskId.length() != 36) {
            return Optional.empty();
        }
        try {
            return UUID.fromString(taskId).toString().equals(taskId) ? Optional.of(TASK_PREFIX + taskId)
                    : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    /** The workflow id of the owner's directory. */
    public static String ofOwner(Owner owner) {
        return OWNER_PREFIX + owner.key();
    }
}
