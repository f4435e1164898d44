package dev.surge.agent.service;

/** A request the conversation service refuses; {@link Reason} says why, the REST layer picks the status. */
public class ConversationException extends RuntimeException {

    /** Why the request was refused. */
    public enum Reason {
        TASK_NOT_FOUND,
        MESSAGE_NOT_FOUND,
        TASK_ENDED,
        INVALID_REQUEST,
        CONTENT_TOO_LONG,
        /** The Idempotency-Key was used before for other content. */
        KEY_REUSED,
        /** A quota of the caller is spent; {@link #retryAfterSeconds()} says when to try again. */
        QUOTA_EXCEEDED,
        /** Temporal did not answer within the call deadline; {@link #retryAfterSeconds()} says when to try again. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    public ConversationException(Reason reason, String detail) {
        this(reason, detail, 0);
    }

    public ConversationException(Reason reason, String detail, long retryAfterSeconds) {
        super(detail);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }

    /** Seconds after which trying again may succeed, 0 when it does not apply. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
