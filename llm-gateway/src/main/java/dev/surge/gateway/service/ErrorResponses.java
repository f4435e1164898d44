package dev.surge.gateway.service;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.surge.gateway.GatewayJson;
import dev.surge.gateway.OpenAiError;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes the gateway's answers other than a relayed success, in OpenAI's format: an upstream error passed on
 * (scrubbed of the deployment's key), and the gateway's own refusals. Whether the caller may retry is always
 * said in {@code x-should-retry}.
 */
@Singleton
public class ErrorResponses {

    /** Ends the response with the error and {@code x-should-retry} as given; other headers are the caller's. */
    public void send(HttpServerResponse response, int status, boolean shouldRetry, OpenAiError error) {
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("x-should-retry", Boolean.toString(shouldRetry))
                .end(GatewayJson.error(error));
    }

    /** Ends the call with an upstream error answer: its status and body, and no further retries expected. */
    void upstreamError(HttpServerResponse response, AttemptFailure failure) {
        String key = failure.deployment().client().apiKey();
        response.setStatusCode(failure.status());
        copyHeaders(failure.headers(), response, key);
        failure.delayStillDue().ifPresent(due -> response.putHeader("retry-after", RetryPolicy.retryAfterSeconds(due)));
        Buffer body;
        if (failure.isOpenAiError()) {
            String text = failure.body().toString();
            body = key != null && text.contains(key) ? Buffer.buffer(text.replace(key, "***")) : failure.body();
        } else {
            int status = failure.status();
            String type = status == 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
            body = GatewayJson.error(OpenAiError.of("The upstream answered " + status + ".", type, null, null));
        }
        response.putHeader("content-type", "application/json").putHeader("x-should-retry", "false").end(body);
    }

    /** Too many calls in flight here: nothing was sent, and the caller may come back after {@code retryAfter}. */
    void shed(HttpServerResponse response, Duration retryAfter) {
        String seconds = RetryPolicy.retryAfterSeconds(retryAfter);
        response.putHeader("retry-after", seconds);
        send(response, 429, true, OpenAiError.of(
                "The gateway is handling too many requests; retry after " + seconds + " s.", "rate_limit_error", null,
                "gateway_overloaded"));
    }

    /**
     * Every deployment of the model is cooling down (503, after failures) or paused by rate limits for longer
     * than the call may wait (429): nothing was sent, and the caller may come back when the first one returns.
     */
    void cooling(HttpServerResponse response, String model, boolean rateLimited, Duration returnsIn) {
        String seconds = RetryPolicy.retryAfterSeconds(returnsIn);
        response.putHeader("retry-after", seconds);
        String why = rateLimited ? "rate-limited for longer than this call may wait" : "cooling down after failures";
        send(response, rateLimited ? 429 : 503, true, OpenAiError.of("Every deployment of model '" + model + "' is "
                + why + "; retry after " + seconds + " s.", rateLimited ? "rate_limit_error" : "api_error", null,
                "deployments_cooling"));
    }

    /** The request needs more tokens than any deployment of the model admits in a minute: it will never succeed. */
    void neverFits(HttpServerResponse response, String model, long tokens, long largestLimit) {
        String limit = largestLimit > 0 ? " (at most " + largestLimit + " tokens a minute)" : "";
        send(response, 400, false, OpenAiError.of("This request needs about " + tokens + " tokens (its messages and "
                + "max_tokens), more than any deployment of model '" + model + "' admits" + limit
                + ". Shorten the messages or lower max_tokens.", "invalid_request_error", "messages",
                "context_length_exceeded"));
    }

    /** The caller named a model the gateway does not serve. */
    void modelNotFound(HttpServerResponse response, String model) {
        send(response, 404, false, OpenAiError.of("The model '" + model
                + "' does not exist or you do not have access to it.", "invalid_request_error", "model",
                "model_not_found"));
    }

    /** The call ran out of its own {@code timeout} before an answer began. */
    void deadlineExceeded(HttpServerResponse response, Duration timeout) {
        send(response, 504, false, OpenAiError.of(
                "The call did not complete within its timeout of " + timeout.toMillis() / 1000.0 + " s.",
                "api_error", "timeout", "deadline_exceeded"));
    }

    /** The last event of a stream whose upstream broke off after the caller got bytes. */
    Buffer streamInterruptedEvent() {
        return Buffer.buffer("data: ").appendBuffer(GatewayJson.error(OpenAiError.of(
                "The upstream broke off the stream.", "api_error", null, "upstream_stream_interrupted")))
                .appendString("\n\n");
    }

    /**
     * Copies the upstream headers callers may rely on: content type, request id, {@code openai-*} and
     * {@code x-ratelimit-*}; never one that carries the deployment's key.
     */
    static void copyHeaders(MultiMap upstreamHeaders, HttpServerResponse response, String key) {
        for (Map.Entry<String, String> header : upstreamHeaders) {
            // Compared ignoring case in place: this runs for every header of every answer.
            String name = header.getKey();
            boolean passed = name.equalsIgnoreCase("content-type") || name.equalsIgnoreCase("cache-control")
                    || name.equalsIgnoreCase("x-request-id") || startsWithIgnoringCase(name, "openai-")
                    || startsWithIgnoringCase(name, "x-ratelimit-");
            if (passed && (key == null || !header.getValue().contains(key))) {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
    }

    private static boolean startsWithIgnoringCase(String name, String prefix) {
        return name.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
