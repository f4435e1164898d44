package dev.surge.agent.workflow;

/**
 * A durable event of a task, as the conversation records it: {@code GET /tasks/{id}/stream} numbers its events with
 * these ids, so a client that reconnects with {@code Last-Event-ID} is sent exactly what it missed.
 *
 * @param id        position among the task's events, from 1, across runs
 * @param type      {@code message.created}, {@code message.completed}, {@code message.failed} or
 *                  {@code message.interrupted}
 * @param messageId the message concerned
 */
public record EventMark(long id, String type, String messageId) {

    /** A message was recorded (the user's, or the reply, PENDING). */
    public static final String CREATED = "message.created";
    /** A reply was written in full. */
    public static final String COMPLETED = "message.completed";
    /** A reply failed. */
    public static final String FAILED = "message.failed";
    /** A reply was stopped by its owner. */
    public static final String INTERRUPTED = "message.interrupted";
}
