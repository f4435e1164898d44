package dev.surge.agent.service;

/**
 * One event of a task, sent on {@code GET /tasks/{id}/stream}.
 *
 * @param name event name: {@code task}, {@code message.created}, {@code message.completed},
 *             {@code message.failed} or {@code task.ended}
 * @param data the task or the message concerned
 */
public record TaskEvent(String name, Object data) {
}
