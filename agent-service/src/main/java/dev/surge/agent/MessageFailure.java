package dev.surge.agent;

/**
 * Why a reply finally failed, kept with the message so that every reader (and a retried POST) sees
 * the same reason.
 *
 * @param type              {@link #UPSTREAM_CAPACITY}, {@link #REQUEST_REJECTED} or {@link #INTERNAL}
 * @param detail            human-readable reason
 * @param upstreamStatus    the gateway's HTTP status when it answered, else 0
 * @param retryAfterSeconds the delay the gateway asked for, else 0
 */
public record MessageFailure(String type, String detail, int upstreamStatus, long retryAfterSeconds) {

    /** The gateway or the provider had no capacity (429/5xx after retries, unreachable, timed out). */
    public static final String UPSTREAM_CAPACITY = "upstream_capacity";
    /** The request itself was refused (a 4xx other than 408/409/429); retrying would not help. */
    public static final String REQUEST_REJECTED = "request_rejected";
    /** Anything else. */
    public static final String INTERNAL = "internal";
}
