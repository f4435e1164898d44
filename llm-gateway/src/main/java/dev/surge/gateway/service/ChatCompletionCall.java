package dev.surge.gateway.service;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.surge.gateway.ChatCompletionRequest;
import dev.surge.gateway.OpenAiError;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One chat completion call: waits for an in-flight slot, sends attempts upstream when the upstream's announced
 * rate limit has room for them, waits between them, and relays the answer. Everything runs on the caller's event loop; waits are Vert.x timers, so a waiting or streaming call
 * holds no thread.
 *
 * <p>Retries are written here rather than with SmallRye Fault Tolerance: a {@code Guard}'s retry count and
 * timeout are fixed when it is built, while here each request brings its own {@code num_retries} and deadline;
 * the wait is dictated per answer by {@code retry-after-ms} / {@code Retry-After} / {@code x-ratelimit-reset-*}
 * and is skipped (answer at once) when it would overrun the deadline; a stream may be retried only until its
 * first byte reached the caller; and on giving up the caller needs the last upstream answer with the delay still
 * due, not an exception.
 */
final class ChatCompletionCall {

    private static final Logger LOG = Logger.getLogger(ChatCompletionCall.class);
    /** Upstream error bodies are small; a larger one is cut here rather than buffered whole. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final ChatCompletionService service;
    private final HttpServerResponse response;
    private final ChatCompletionRequest request;
    private final int maxRetries;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;

    private int retries;
    /** Bumped per attempt and on abort, so that callbacks of an abandoned attempt are ignored. */
    private int generation;
    private HttpClientRequest upstreamRequest;
    private UpstreamPacer.Ticket pacing = UpstreamPacer.Ticket.GRANTED;
    private long retryTimer = -1;
    private long deadlineTimer = -1;
    private boolean holdsSlot;
    private boolean committed;
    private boolean finished;

    ChatCompletionCall(ChatCompletionService service, HttpServerResponse response, ChatCompletionRequest request) {
        this.service = service;
        this.response = response;
        this.request = request;
        this.maxRetries = request.numRetries().orElse(service.defaultNumRetries);
        this.deadlineNanos = request.timeout().map(timeout -> startNanos + timeout.toNanos()).orElse(0L);
    }

    void start() {
        response.closeHandler(v -> abort());
        request.timeout().ifPresent(timeout ->
                deadlineTimer = service.vertx.setTimer(Math.max(1, timeout.toMillis()), id -> onDeadline()));
        service.limiter.acquire(granted -> {
            if (finished) {
                if (granted) {
                    service.limiter.release();
                }
            } else if (granted) {
                holdsSlot = true;
                attempt();
            } else {
                shed();
            }
        });
    }

    /** Sends the next attempt when the upstream's announced rate limit has room for it. */
    private void attempt() {
        pacing = service.pacer.acquire(this::send);
    }

    private void send() {
        if (finished) {
            return;
        }
        int attempt = ++generation;
        long attemptStart = System.nanoTime();
        service.upstream.chatCompletions(request.stream())
                .compose(upstream -> {
                    if (attempt != generation) {
                        upstream.reset();
                        return Future.failedFuture("abandoned");
                    }
                    upstreamRequest = upstream;
                    return upstream.send(request.upstreamBody());
                })
                .onComplete(result -> {
                    if (attempt != generation || finished) {
                        return;
                    }
                    if (result.succeeded()) {
                        onUpstreamResponse(result.result(), attempt, attemptStart);
                    } else {
                        onConnectionFailure(result.cause(), attemptStart);
                    }
                });
    }

    private void onUpstreamResponse(HttpClientResponse upstream, int attempt, long attemptStart) {
        service.metrics.upstreamAttempt(Integer.toString(upstream.statusCode()), since(attemptStart));
        if (upstream.statusCode() < 400) {
            service.pacer.observe(upstream.statusCode(), upstream.headers(), null);
            relay(upstream, attempt);
            return;
        }
        Buffer body = Buffer.buffer();
        upstream.handler(chunk -> {
            if (body.length() < MAX_ERROR_BODY) {
                body.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY - body.length()));
            }
        });
        upstream.exceptionHandler(error -> {
            if (attempt == generation && !finished) {
                retryOrGiveUp(connectionFailure(error));
            }
        });
        upstream.endHandler(v -> {
            if (attempt == generation && !finished) {
                onErrorAnswer(upstream.statusCode(), upstream.headers(), body);
            }
        });
    }

    private void onErrorAnswer(int status, MultiMap headers, Buffer body) {
        Failure failure = new Failure(status, Integer.toString(status), headers, body,
                service.retryPolicy.serverDelay(status, headers, Instant.now()).orElse(null), System.nanoTime());
        service.pacer.observe(status, headers, failure.serverDelay());
        if (service.retryPolicy.isRetryable(status, headers, errorCode(body))) {
            retryOrGiveUp(failure);
        } else {
            answerWith(failure, "upstream_rejected");
        }
    }

    /** An attempt that got no answer at all: counted as an attempt by its reason, then retried or given up. */
    private void onConnectionFailure(Throwable cause, long attemptStart) {
        Failure failure = connectionFailure(cause);
        service.metrics.upstreamAttempt(failure.reason(), since(attemptStart));
        retryOrGiveUp(failure);
    }

    /**
     * What the caller gets for a connection that failed or broke: 504 for a read timeout, else 502. Also used for
     * an answer that broke before its first byte reached the caller, whose attempt was already counted by status.
     */
    private Failure connectionFailure(Throwable cause) {
        boolean timeout = cause instanceof TimeoutException;
        String reason = timeout ? "timeout"
                : cause instanceof ConnectException || cause instanceof ConnectTimeoutException ? "connect_error"
                : "connection_error";
        LOG.debugf("Upstream attempt failed (%s): %s", reason, cause.getMessage());
        int status = timeout ? 504 : 502;
        String message = timeout ? "The upstream did not answer in time." : "The upstream could not be reached.";
        Buffer body = service.errors.json(OpenAiError.of(message, "api_error", null, "upstream_" + reason));
        return new Failure(status, reason, MultiMap.caseInsensitiveMultiMap(), body, null, System.nanoTime());
    }

    private void retryOrGiveUp(Failure failure) {
        upstreamRequest = null;
        if (retries >= maxRetries) {
            answerWith(failure, "retries_exhausted");
            return;
        }
        Duration wait = failure.serverDelay() != null
                ? service.retryPolicy.cap(failure.serverDelay())
                : service.retryPolicy.backoff(retries + 1, ThreadLocalRandom.current().nextDouble());
        if (deadlineNanos != 0 && System.nanoTime() + wait.toNanos() >= deadlineNanos) {
            answerWith(failure, "deadline_exceeded");
            return;
        }
        retries++;
        service.metrics.retryScheduled(failure.reason(), wait);
        LOG.debugf("Upstream failed (%s); retry %d of %d in %d ms", failure.reason(), retries, maxRetries,
                wait.toMillis());
        retryTimer = service.vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
            retryTimer = -1;
            if (!finished) {
                attempt();
            }
        });
    }

    /** Passes a successful answer through as it arrives; a failure before its first byte may still be retried. */
    private void relay(HttpClientResponse upstream, int attempt) {
        upstream.handler(chunk -> {
            if (attempt != generation || finished) {
                return;
            }
            if (!committed) {
                commit(upstream);
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                upstream.pause();
                response.drainHandler(v -> upstream.resume());
            }
        });
        upstream.exceptionHandler(error -> {
            if (attempt != generation || finished) {
                return;
            }
            if (committed) {
                breakOff(error);
            } else {
                retryOrGiveUp(connectionFailure(error));
            }
        });
        upstream.endHandler(v -> {
            if (attempt != generation || finished) {
                return;
            }
            if (!committed) {
                commit(upstream);
            }
            response.end();
            finish("success");
        });
    }

    private void commit(HttpClientResponse upstream) {
        committed = true;
        cancelDeadline();
        response.setStatusCode(upstream.statusCode()).setChunked(true);
        copyHeaders(upstream.headers());
    }

    /** The upstream failed after the caller got bytes: a retry would duplicate them, so the call ends here. */
    private void breakOff(Throwable error) {
        LOG.debugf("Upstream broke off a started answer: %s", error.getMessage());
        if (request.stream()) {
            Buffer event = Buffer.buffer("data: ").appendBuffer(service.errors.json(OpenAiError.of(
                    "The upstream broke off the stream.", "api_error", null, "upstream_stream_interrupted")))
                    .appendString("\n\n");
            response.end(event);
        } else {
            response.reset();
        }
        finish("broken_off");
    }

    /** Ends the call with an upstream error answer: its status and body, and no further retries expected. */
    private void answerWith(Failure failure, String outcome) {
        response.setStatusCode(failure.status());
        copyHeaders(failure.headers());
        Buffer body = errorBody(failure);
        if (failure.serverDelay() != null) {
            long dueMillis = failure.serverDelay().toMillis() - Duration.ofNanos(System.nanoTime() - failure.atNanos())
                    .toMillis();
            if (dueMillis > 0) {
                response.putHeader("retry-after", Long.toString((dueMillis + 999) / 1000));
            }
        }
        response.putHeader("content-type", "application/json").putHeader("x-should-retry", "false").end(body);
        finish(outcome);
    }

    private Buffer errorBody(Failure failure) {
        if (isOpenAiError(failure.body())) {
            String key = service.upstreamApiKey;
            String text = failure.body().toString();
            return key != null && text.contains(key) ? Buffer.buffer(text.replace(key, "***")) : failure.body();
        }
        int status = failure.status();
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
        return service.errors.json(OpenAiError.of("The upstream answered " + status + ".", type, null, null));
    }

    private void shed() {
        service.metrics.shed();
        long seconds = Math.max(1, (service.overloadRetryAfter.toMillis() + 999) / 1000);
        response.putHeader("retry-after", Long.toString(seconds));
        service.errors.send(response, 429, true, OpenAiError.of(
                "The gateway is handling too many requests; retry after " + seconds + " s.", "rate_limit_error", null,
                "gateway_overloaded"));
        finish("shed");
    }

    private void onDeadline() {
        deadlineTimer = -1;
        if (finished || committed) {
            return;
        }
        generation++;
        if (upstreamRequest != null) {
            upstreamRequest.reset();
        }
        service.errors.send(response, 504, false, OpenAiError.of(
                "The call did not complete within its timeout of " + request.timeout().orElseThrow().toMillis() / 1000.0
                        + " s.",
                "api_error", "timeout", "deadline_exceeded"));
        finish("deadline_exceeded");
    }

    /** The caller went away: stop working for it and free the upstream connection. */
    private void abort() {
        if (finished) {
            return;
        }
        generation++;
        if (upstreamRequest != null) {
            upstreamRequest.reset();
        }
        finish("cancelled");
    }

    private void finish(String outcome) {
        if (finished) {
            return;
        }
        finished = true;
        upstreamRequest = null;
        pacing.cancel();
        cancelDeadline();
        if (retryTimer != -1) {
            service.vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        if (holdsSlot) {
            holdsSlot = false;
            service.limiter.release();
        }
        service.metrics.requestCompleted(request.model(), outcome, since(startNanos));
    }

    private void cancelDeadline() {
        if (deadlineTimer != -1) {
            service.vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    /**
     * Copies the headers callers may rely on: content type, request id, {@code openai-*} and {@code x-ratelimit-*};
     * never one that carries the upstream key.
     */
    private void copyHeaders(MultiMap upstreamHeaders) {
        String key = service.upstreamApiKey;
        for (Map.Entry<String, String> header : upstreamHeaders) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            boolean passed = name.equals("content-type") || name.equals("cache-control")
                    || name.equals("x-request-id") || name.startsWith("openai-") || name.startsWith("x-ratelimit-");
            if (passed && (key == null || !header.getValue().contains(key))) {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
    }

    private static String errorCode(Buffer body) {
        JsonObject error = errorObject(body);
        if (error == null) {
            return null;
        }
        Object code = error.getValue("code");
        return code instanceof String text ? text : error.getValue("type") instanceof String type ? type : null;
    }

    private static boolean isOpenAiError(Buffer body) {
        return errorObject(body) != null;
    }

    private static JsonObject errorObject(Buffer body) {
        try {
            return body.length() == 0 ? null : new JsonObject(body).getValue("error") instanceof JsonObject error
                    ? error : null;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * A failed attempt.
     *
     * @param status what the caller gets if this is the last one
     * @param reason for metrics and logs: the upstream status, or what went wrong on the connection
     * @param serverDelay the wait the upstream asked for, or null
     * @param atNanos when it happened, to tell how much of the delay is still due
     */
    private record Failure(int status, String reason, MultiMap headers, Buffer body, Duration serverDelay,
            long atNanos) {
    }
}
