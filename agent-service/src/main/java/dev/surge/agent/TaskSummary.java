package dev.surge.agent;

import java.time.Instant;

/**
 * A task as {@code GET /tasks} lists it.
 *
 * @param id           the task id
 * @param agent        the agent the conversation talks to
 * @param status       the task status
 * @param createdAt    when the task was created
 * @param messageCount user and assistant messages recorded so far; a message with its reply, once the reply has
 *                     ended ({@code GET /tasks/{id}} counts a message at once)
 * @param lastActivity when a reply last ended, or the task ended
 */
public record TaskSummary(String id, String agent, TaskStatus status, Instant createdAt, long messageCount,
        Instant lastActivity) {
}
