package dev.surge.agent.client;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * llm-gateway's OpenAI-compatible API. Used only through {@link LlmGatewayClient}. Non-blocking: a call in
 * flight holds a connection of the bounded pool, never a thread.
 */
@RegisterRestClient(configKey = "llm-gateway")
@Path("/v1/chat/completions")
interface LlmGatewayRestClient {

    @POST
    Uni<ChatCompletionResponse> complete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            ChatCompletionRequest request);

    /** A streamed completion: the {@code data} of each server-sent event, {@code [DONE]} last. */
    @POST
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    Multi<String> stream(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            ChatCompletionRequest request);

    /** Turns every error answer into a {@link GatewayException} carrying the gateway's retry hints. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        if (response.getStatus() < 400) {
            return null;
        }
        GatewayErrorBody.Error error = null;
        try {
            GatewayErrorBody body = response.readEntity(GatewayErrorBody.class);
            error = body == null ? null : body.error();
        } catch (ProcessingException | IllegalStateException notJson) {
            // the body is not OpenAI error JSON: the status and headers still say enough
        }
        boolean shouldRetry = "true".equalsIgnoreCase(response.getHeaderString("x-should-retry"));
        return new GatewayException(response.getStatus(), shouldRetry,
                retryAfterSeconds(response.getHeaderString(HttpHeaders.RETRY_AFTER)),
                error == null ? null : error.code(), error == null ? null : error.message(),
                upstreamAttempts(response.getHeaderString(GatewayException.UPSTREAM_ATTEMPTS_HEADER)));
    }

    /** The gateway's count of upstream attempts for the call, -1 when it did not say. */
    static int upstreamAttempts(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException unreadable) {
            return -1;
        }
    }

    /** {@code Retry-After} as seconds (delta-seconds or HTTP date), 0 when absent or unreadable. */
    static long retryAfterSeconds(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, (long) Math.ceil(Double.parseDouble(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toSeconds());
            } catch (RuntimeException notDate) {
                return 0;
            }
        }
    }
}
