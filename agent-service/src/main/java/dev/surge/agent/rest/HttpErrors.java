package dev.surge.agent.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Errors that the HTTP layer answers before any resource runs (a body over {@code quarkus.http.limits.max-body-size},
 * a request line or headers too long, a path no route knows) leave as problem+json too, like those of the REST layer.
 * <p>
 * Vert.x answers a request line or headers over its own limits with a bare 414/431 that no route sees, so those
 * limits are set high ({@code quarkus.http.limits.*} in application.properties) and the real ones are enforced here.
 */
@ApplicationScoped
public class HttpErrors {

    /** Longest request target (path and query) served; longer ones get 414. */
    static final int MAX_URI_LENGTH = 4096;
    /** Most bytes of request headers served; more get 431. */
    static final int MAX_HEADERS_SIZE = 20 * 1024;

    private final ObjectMapper json;
    private final long maxBodySize;

    public HttpErrors(ObjectMapper json,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.json = json;
        this.maxBodySize = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        // Before Quarkus' own body limit, which answers a declared oversize body with a bare 413.
        router.route().order(Integer.MIN_VALUE).handler(this::refuseOversize);
        router.route().failureHandler(this::failed);
        router.route().last().handler(context -> write(context, 404));
    }

    private void refuseOversize(RoutingContext context) {
        if (context.request().uri().length() > MAX_URI_LENGTH) {
            write(context, 414);
            return;
        }
        int headers = 0;
        for (var header : context.request().headers()) {
            headers += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headers > MAX_HEADERS_SIZE) {
            write(context, 431);
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > maxBodySize) {
            // The body is never read: the connection cannot serve another request after this answer.
            context.response().putHeader("Connection", "close").endHandler(done -> context.request().connection().close());
            write(context, 413);
            return;
        }
        context.next();
    }

    private void failed(RoutingContext context) {
        int status = context.statusCode();
        write(context, status >= 400 ? status : 500);
    }

    private void write(RoutingContext context, int status) {
        if (context.response().ended() || context.response().headWritten()) {
            return;
        }
        Problem problem = Problems.ofStatus(status).toProblem(context.request().path());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + "}";
        }
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(body);
    }
}
