package dev.surge.agent.workflow;

import java.time.Instant;

/**
 * Argument of the directory's {@code openTask} update: registers a task about to start.
 *
 * @param taskId    the task id
 * @param agent     the agent it talks to
 * @param createdAt when it was created
 * @param maxOpen   the open-task quota in force for this request
 */
public record OpenTask(String taskId, String agent, Instant createdAt, int maxOpen) {
}
