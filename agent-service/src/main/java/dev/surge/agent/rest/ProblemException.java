package dev.surge.agent.rest;

/**
 * Ends a request with a problem answer.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final String messageId;
    private final long retryAfterSeconds;

    public ProblemException(int status, String type, String title, String detail, String messageId,
            long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.messageId = messageId;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem type URI. */
    public String type() {
        return type;
    }

    /** The problem title. */
    public String title() {
        return title;
    }

    /** The failed message's id, or null. */
    public String messageId() {
        return messageId;
    }

    /** Seconds for a {@code Retry-After} header, 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** This problem as the body of an answer (or of an SSE event) about {@code instance}. */
    public Problem toProblem(String instance) {
        return new Problem(type, title, status, getMessage(), instance, messageId);
    }
}
