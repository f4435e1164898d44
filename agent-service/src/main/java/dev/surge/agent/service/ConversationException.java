package dev.surge.agent.service;

/** A request the conversation service refuses; {@link Reason} says why, the REST layer picks the status. */
public class ConversationException extends RuntimeException {

    /** Why the request was refused. */
    public enum Reason {
        TASK_NOT_FOUND,
        MESSAGE_NOT_FOUND,
        TASK_ENDED,
        INVALID_REQUEST,
        CONTENT_TOO_LONG
    }

    private final Reason reason;

    public ConversationException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }
}
