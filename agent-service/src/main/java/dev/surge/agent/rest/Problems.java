package dev.surge.agent.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Builds problem answers; shared by the JAX-RS mappers and the HTTP-level error handler. */
final class Problems {

    private Problems() {
    }

    /** The answer carrying {@code problem}, with its {@code Retry-After} when it has one. */
    static Response.ResponseBuilder response(ProblemException problem, String instance) {
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.toProblem(instance));
        if (problem.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds());
        }
        return response;
    }

    /** A problem for a bare HTTP status, with a fixed human detail (never an exception's message). */
    static ProblemException ofStatus(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : status == 431 ? "Request Header Fields Too Large"
                : "Error";
        String detail = switch (status) {
            case 404 -> "there is nothing at this path";
            case 405 -> "this path does not accept this method";
            case 406 -> "this path cannot answer in the media type asked for";
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long";
            case 415 -> "this path does not accept this Content-Type; send application/json";
            case 431 -> "the request headers are too large";
            case 500 -> "the request failed unexpectedly";
            default -> status >= 500 ? "the request failed" : "the request cannot be served as sent";
        };
        return new ProblemException(status, "about:blank", title, detail, null, 0);
    }
}
