package dev.surge.agent;

import java.time.Instant;

/**
 * A task: one conversation with one agent, backed by one Temporal workflow whose id is the task id.
 *
 * @param id           the task id (the workflow id)
 * @param agent        the configured agent the conversation talks to
 * @param status       the task status, read from Temporal
 * @param createdAt    when the task was created
 * @param messageCount user and assistant messages recorded so far
 */
public record Task(String id, String agent, TaskStatus status, Instant createdAt, long messageCount) {
}
