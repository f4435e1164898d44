package dev.surge.agent.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.surge.agent.security.Challenges;
import dev.surge.agent.service.ConversationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Every error leaves as {@code application/problem+json} (RFC 9457): a type, a title and a human detail, never a
 * Java class or an exception's own message.
 */
public class ProblemMappers {

    static final String TYPE_BASE = "https://surge.dev/problems/";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return Problems.response(e, path(uri)).build();
    }

    @ServerExceptionMapper
    public Response conversation(ConversationException e, UriInfo uri) {
        return problem(toProblem(e), uri);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized("this request needs a bearer token (Authorization: Bearer ...) or an API key (X-Api-Key)",
                false, uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized("the credentials are not valid (signature, issuer, audience or expiry)", true, uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(new ProblemException(403, "about:blank", "Forbidden", "this caller may not do that", null, 0),
                uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (causedByJson(e)) {
            return invalidJson(uri);
        }
        return problem(Problems.ofStatus(e.getResponse().getStatus()), uri);
    }

    /** Replaces quarkus-rest-jackson's own mappers, whose answers are not problems and may name Java types. */
    @ServerExceptionMapper({ JsonProcessingException.class, JsonMappingException.class, MismatchedInputException.class,
            JsonParseException.class })
    public Response json(UriInfo uri) {
        return invalidJson(uri);
    }

    private Response invalidJson(UriInfo uri) {
        return problem(new ProblemException(400, TYPE_BASE + "invalid-request", "Invalid request",
                "the request body is not valid JSON for this endpoint, or a field has the wrong type", null, 0), uri);
    }

    /** A body Jackson could not read: malformed JSON, or a value of the wrong type. */
    private static boolean causedByJson(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.error("request failed", e);
        return problem(Problems.ofStatus(500), uri);
    }

    static ProblemException toProblem(ConversationException e) {
        return switch (e.reason()) {
            case TASK_NOT_FOUND -> new ProblemException(404, TYPE_BASE + "task-not-found", "Task not found",
                    e.getMessage(), null, 0);
            case MESSAGE_NOT_FOUND -> new ProblemException(404, TYPE_BASE + "message-not-found", "Message not found",
                    e.getMessage(), null, 0);
            case TASK_ENDED -> new ProblemException(409, TYPE_BASE + "task-ended", "Task has ended",
                    e.getMessage(), null, 0);
            case CONTENT_TOO_LONG -> new ProblemException(413, TYPE_BASE + "content-too-long", "Content too long",
                    e.getMessage(), null, 0);
            case INVALID_REQUEST -> new ProblemException(400, TYPE_BASE + "invalid-request", "Invalid request",
                    e.getMessage(), null, 0);
            case KEY_REUSED -> new ProblemException(422, TYPE_BASE + "idempotency-key-reused",
                    "Idempotency-Key reused", e.getMessage(), null, 0);
            case QUOTA_EXCEEDED -> new ProblemException(429, TYPE_BASE + "quota-exceeded", "Quota exceeded",
                    e.getMessage(), null, e.retryAfterSeconds());
            case UNAVAILABLE -> new ProblemException(503, TYPE_BASE + "temporarily-unavailable",
                    "Temporarily unavailable", e.getMessage(), null, e.retryAfterSeconds());
        };
    }

    /** A reply that could not be obtained for a reason that is not the model's (the SSE {@code failed} event). */
    static ProblemException replyUnavailable(String replyId) {
        return new ProblemException(502, TYPE_BASE + "reply-failed", "Reply failed",
                "the reply could not be obtained; poll the message or send the request again with the same "
                        + "Idempotency-Key", replyId, 0);
    }

    private Response unauthorized(String detail, boolean invalidCredentials, UriInfo uri) {
        return Problems.response(new ProblemException(401, TYPE_BASE + "unauthorized", "Unauthorized", detail, null, 0),
                path(uri)).header(HttpHeaders.WWW_AUTHENTICATE, Challenges.header(invalidCredentials)).build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}
