package dev.surge.agent.workflow;

import java.time.Instant;

/**
 * A task as its owner's directory lists it.
 *
 * @param taskId    the task id
 * @param agent     the agent it talks to
 * @param createdAt when it was created
 * @param open      whether it is still RUNNING (it counts against the open-task quota)
 */
public record OwnedTask(String taskId, String agent, Instant createdAt, boolean open) {

    /** This task, ended. */
    public OwnedTask closed() {
        return new OwnedTask(taskId, agent, createdAt, false);
    }
}
