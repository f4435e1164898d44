package dev.surge.agent.client;

/**
 * llm-gateway answered with an error status.
 * <p>
 * {@code x-should-retry: true} means nothing reached the provider (the gateway shed the request), so the
 * REST client may retry; {@code false} means the gateway already spent its own retries or the error is
 * permanent.
 */
public class GatewayException extends RuntimeException {

    /** The gateway's answer header that counts the attempts it sent upstream for the call. */
    public static final String UPSTREAM_ATTEMPTS_HEADER = "x-surge-upstream-attempts";

    private final int status;
    private final boolean shouldRetry;
    private final long retryAfterSeconds;
    private final String code;
    private final int upstreamAttempts;

    public GatewayException(int status, boolean shouldRetry, long retryAfterSeconds, String code, String message,
            int upstreamAttempts) {
        super("llm-gateway answered " + status + (code == null ? "" : " " + code)
                + (message == null ? "" : ": " + message));
        this.status = status;
        this.shouldRetry = shouldRetry;
        this.retryAfterSeconds = retryAfterSeconds;
        this.code = code;
        this.upstreamAttempts = upstreamAttempts;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Whether the gateway marked the answer {@code x-should-retry: true}. */
    public boolean shouldRetry() {
        return shouldRetry;
    }

    /** The gateway's {@code Retry-After} in seconds, 0 when absent. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The OpenAI error code, e.g. {@code gateway_overloaded}, or null. */
    public String code() {
        return code;
    }

    /** Attempts the gateway sent upstream for this call ({@value #UPSTREAM_ATTEMPTS_HEADER}), -1 when unknown. */
    public int upstreamAttempts() {
        return upstreamAttempts;
    }

    /**
     * Whether the request itself was at fault: a 4xx other than 408 (timeout), 409 (conflict) and 429
     * (rate limit), the statuses that a later attempt can cure.
     */
    public boolean isClientError() {
        return status >= 400 && status < 500 && status != 408 && status != 409 && status != 429;
    }
}
