package dev.surge.agent.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.surge.agent.service.ConversationException;

/** Every error leaves as {@code application/problem+json} (RFC 9457). */
public class ProblemMappers {

    static final String TYPE_BASE = "https://surge.dev/problems/";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(Problem.MEDIA_TYPE)
                .entity(e.toProblem(path(uri)));
        if (e.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response conversation(ConversationException e, UriInfo uri) {
        return problem(toProblem(e), uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (causedByJson(e)) {
            return problem(new ProblemException(400, TYPE_BASE + "invalid-request", "Invalid request",
                    "the request body is not valid JSON for this endpoint", null, 0), uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return problem(new ProblemException(status.getStatusCode(), "about:blank", status.getReasonPhrase(),
                e.getMessage(), null, 0), uri);
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
        return problem(new ProblemException(500, "about:blank", "Internal Server Error",
                "the request failed unexpectedly", null, 0), uri);
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
        };
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}
