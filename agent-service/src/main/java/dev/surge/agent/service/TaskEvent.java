package dev.surge.agent.service;

/**
 * One event of a task, sent on {@code GET /tasks/{id}/stream}.
 *
 * @param id   position among the task's durable events (what {@code Last-Event-ID} names); null for a keepalive
 * @param name event name: {@code task}, {@code message.created}, {@code message.completed}, {@code message.failed},
 *             {@code message.interrupted} or {@code task.ended}; null for a keepalive
 * @param data the task or the message concerned; null for a keepalive
 */
public record TaskEvent(Long id, String name, Object data) {

    /** A keepalive: a comment that keeps proxies from closing a quiet stream. */
    public static final TaskEvent KEEPALIVE = new TaskEvent(null, null, null);

    /** Whether this is a keepalive rather than an event. */
    public boolean isKeepalive() {
        return name == null;
    }
}
