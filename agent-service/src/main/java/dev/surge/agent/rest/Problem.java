package dev.surge.agent.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, answered as {@code application/problem+json}.
 *
 * @param type      URI naming the kind of problem
 * @param title     short summary of the kind
 * @param status    the HTTP status
 * @param detail    what happened this time
 * @param instance  the request path
 * @param messageId for a failed reply, the reply's message id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String messageId) {

    /** The problem+json media type. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
