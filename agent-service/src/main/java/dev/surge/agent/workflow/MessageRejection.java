package dev.surge.agent.workflow;

/**
 * Why the update validator refused a message. The SDK reports a validator's exception to the client
 * with its message but not its type, so the code travels as the message's prefix: {@code code: detail}.
 */
public enum MessageRejection {
    TASK_ENDED,
    INVALID_CONTENT,
    CONTENT_TOO_LONG,
    /** The caller does not own the task: answered exactly like an unknown task. */
    NOT_OWNER,
    /** The idempotency key was used before for other content. */
    KEY_REUSED;

    /** The exception message carrying this rejection. */
    public String message(String detail) {
        return name() + ": " + detail;
    }

    /** The rejection a validator failure message carries, or null. */
    public static MessageRejection of(String message) {
        if (message != null) {
            for (MessageRejection rejection : values()) {
                if (message.startsWith(rejection.name() + ":")) {
                    return rejection;
                }
            }
        }
        return null;
    }
}
