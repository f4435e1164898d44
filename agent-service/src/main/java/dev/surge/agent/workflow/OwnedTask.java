package dev.surge.agent.workflow;

import java.time.Instant;

import dev.surge.agent.TaskStatus;

/**
 * A task as its owner's directory lists it.
 *
 * @param taskId       the task id
 * @param agent        the agent it talks to
 * @param createdAt    when it was created
 * @param open         whether it is still RUNNING (it counts against the open-task quota)
 * @param status       how it ended once closed, RUNNING while open; null in entries recorded before it was kept
 * @param messageCount messages of the conversation, as the task last reported them: a message is counted with its
 *                     reply, once the reply has ended (before version 3 of the owner model, also on arrival)
 * @param lastActivity when a reply last ended, or the task ended (before version 3 of the owner model, also when a
 *                     message arrived); null before the task reported any
 */
public record OwnedTask(String taskId, String agent, Instant createdAt, boolean open, TaskStatus status,
        long messageCount, Instant lastActivity) {

    /** A task just opened. */
    public static OwnedTask opened(String taskId, String agent, Instant createdAt) {
        return new OwnedTask(taskId, agent, createdAt, true, TaskStatus.RUNNING, 0, createdAt);
    }

    /** This task, ended (how is not known: reported by a conversation recorded before the status was sent). */
    public OwnedTask closed() {
        return new OwnedTask(taskId, agent, createdAt, false, status == TaskStatus.RUNNING ? null : status,
                messageCount, lastActivity);
    }

    /** This task as the conversation reported it; an ended status closes it. */
    public OwnedTask updated(TaskActivity activity) {
        if (!open && activity.status() == TaskStatus.RUNNING) {
            return this;
        }
        return new OwnedTask(taskId, agent, createdAt, open && activity.status() == TaskStatus.RUNNING,
                activity.status(), Math.max(messageCount, activity.messageCount()), activity.at());
    }

    /** The status to show: RUNNING while open, else the reported end (COMPLETED when it was never reported). */
    public TaskStatus shownStatus() {
        if (open) {
            return TaskStatus.RUNNING;
        }
        return status == null || status == TaskStatus.RUNNING ? TaskStatus.COMPLETED : status;
    }
}
