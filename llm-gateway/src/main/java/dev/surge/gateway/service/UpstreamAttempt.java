package dev.surge.gateway.service;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.surge.gateway.GatewayJson;
import dev.surge.gateway.OpenAiError;
import dev.surge.gateway.deployment.Deployment;
import dev.surge.gateway.deployment.DeploymentBreaker;
import dev.surge.gateway.deployment.UpstreamPacer;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * One attempt of a call on one deployment: waits for its turn in the deployment's pacer, passes its breaker,
 * sends, and reports what came back: headers of a successful answer (for the relay), a failure read and weighed
 * (an error answer, or none at all), or a refusal by the breaker (nothing sent). Teaches the deployment what the
 * answer showed: rate limits, latency, and success or failure for the breaker. Confined to the call's event loop.
 */
final class UpstreamAttempt {

    private static final Logger LOG = Logger.getLogger(UpstreamAttempt.class);
    /** Upstream error bodies are small; a larger one is cut here rather than buffered whole. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** What the call hears from its attempt; nothing more once the attempt is cancelled. */
    interface Listener {

        /** The request went out on a connection: it counts as sent upstream. */
        void sent(UpstreamAttempt attempt);

        /** A successful answer's headers arrived; its body is the relay's. */
        void answered(UpstreamAttempt attempt, HttpClientResponse upstream);

        /** The attempt failed: an error answer, read whole, or no answer. */
        void failed(UpstreamAttempt attempt, AttemptFailure failure);

        /** The deployment's breaker refused the attempt: nothing was sent. */
        void refused(UpstreamAttempt attempt);
    }

    private final ChatCompletionService service;
    private final Deployment deployment;
    private final Buffer body;
    private final boolean stream;
    private final long cost;
    private final Listener listener;

    private UpstreamPacer.Ticket ticket = UpstreamPacer.Ticket.GRANTED;
    private DeploymentBreaker.Permit permit;
    private HttpClientRequest request;
    private boolean inFlight;
    private boolean over;

    UpstreamAttempt(ChatCompletionService service, Deployment deployment, Buffer body, boolean stream, long cost,
            Listener listener) {
        this.service = service;
        this.deployment = deployment;
        this.body = body;
        this.stream = stream;
        this.cost = cost;
        this.listener = listener;
    }

    Deployment deployment() {
        return deployment;
    }

    /** Whether the call asked for a stream ({@code "stream": true}). */
    boolean streamed() {
        return stream;
    }

    /** Whether the attempt still works for its call: not cancelled, not failed, its answer not fully relayed. */
    boolean live() {
        return !over;
    }

    /** Queues the attempt in the deployment's pacer; it is sent when its turn comes. */
    void start() {
        UpstreamPacer.Ticket granted = deployment.pacer().acquire(cost, this::enter);
        ticket = granted;
        if (over) {
            // Ended while being granted (refused by the breaker at once): the pacer must hear it all the same.
            granted.cancel();
        }
    }

    /**
     * The call no longer wants the attempt: stops waiting or frees the connection, and hears nothing more.
     *
     * @param timedOut whether the call ran out of time waiting for the answer, which then counts against the
     *        deployment like a read timeout; otherwise (the caller went away) the attempt counts as answered
     */
    void cancel(boolean timedOut) {
        if (over) {
            return;
        }
        // Over first: the reset below may call back at once, and that callback must be ignored.
        end();
        if (request != null) {
            request.reset();
        }
        if (permit != null && timedOut) {
            permit.failed();
        } else if (permit != null) {
            permit.answered();
        }
    }

    /**
     * The relayed answer is over, or broke, or the attempt was refused or abandoned: it no longer occupies the
     * deployment nor waits in its pacer.
     */
    void end() {
        over = true;
        ticket.cancel();
        if (inFlight) {
            inFlight = false;
            deployment.attemptEnded();
        }
    }

    /**
     * What the caller gets for a connection that failed or broke: 504 for a read timeout, else 502. Also used for
     * an answer that broke before its first byte reached the caller, whose attempt was already counted by status.
     */
    AttemptFailure connectionFailure(Throwable cause) {
        boolean timeout = cause instanceof TimeoutException;
        String reason = timeout ? "timeout"
                : cause instanceof ConnectException || cause instanceof ConnectTimeoutException ? "connect_error"
                : "connection_error";
        LOG.debugf("Attempt on %s failed (%s): %s", deployment.name(), reason, cause.getMessage());
        int status = timeout ? 504 : 502;
        String message = timeout ? "The upstream did not answer in time." : "The upstream could not be reached.";
        Buffer error = GatewayJson.error(OpenAiError.of(message, "api_error", null, "upstream_" + reason));
        return new AttemptFailure(deployment, status, reason, MultiMap.caseInsensitiveMultiMap(), error, true, null,
                System.nanoTime(), true, true, Optional.empty());
    }

    private void enter() {
        if (!over) {
            deployment.breaker().enter(this::send, () -> {
                if (!over) {
                    end();
                    listener.refused(this);
                }
            });
        }
    }

    private void send(DeploymentBreaker.Permit admitted) {
        permit = admitted;
        if (over) {
            permit.answered();
            return;
        }
        inFlight = true;
        deployment.attemptStarted();
        long start = System.nanoTime();
        deployment.client().chatCompletions(stream)
                .compose(upstream -> {
                    if (over) {
                        upstream.reset();
                        return Future.failedFuture("abandoned");
                    }
                    request = upstream;
                    listener.sent(this);
                    return upstream.send(body);
                })
                .onComplete(result -> {
                    if (over) {
                        return;
                    }
                    if (result.succeeded()) {
                        onResponse(result.result(), start);
                    } else {
                        onConnectionFailure(result.cause(), start);
                    }
                });
    }

    private void onResponse(HttpClientResponse upstream, long start) {
        int status = upstream.statusCode();
        long timeToHeaders = System.nanoTime() - start;
        service.metrics.upstreamAttempt(deployment, Integer.toString(status), Duration.ofNanos(timeToHeaders));
        if (status < 400) {
            deployment.pacer().observe(status, upstream.headers(), null);
            deployment.answeredAfter(timeToHeaders);
            permit.answered();
            listener.answered(this, upstream);
            return;
        }
        Buffer error = Buffer.buffer();
        upstream.handler(chunk -> {
            if (error.length() < MAX_ERROR_BODY) {
                error.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY - error.length()));
            }
        });
        upstream.exceptionHandler(cause -> {
            if (!over) {
                fail(connectionFailure(cause));
            }
        });
        upstream.endHandler(v -> {
            if (!over) {
                fail(weigh(status, upstream.headers(), error));
            }
        });
    }

    /** An attempt that got no answer at all: counted as an attempt by its reason. */
    private void onConnectionFailure(Throwable cause, long start) {
        AttemptFailure failure = connectionFailure(cause);
        service.metrics.upstreamAttempt(deployment, failure.reason(), Duration.ofNanos(System.nanoTime() - start));
        fail(failure);
    }

    private AttemptFailure weigh(int status, MultiMap headers, Buffer error) {
        RetryPolicy policy = service.retryPolicy;
        OpenAiError.Detail detail = GatewayJson.errorDetail(error);
        String code = detail == null ? null : detail.code() != null ? detail.code() : detail.type();
        String message = detail == null ? null : detail.message();
        Duration serverDelay = policy.serverDelay(status, headers, Instant.now()).orElse(null);
        deployment.pacer().observe(status, headers, serverDelay);
        Optional<RetryPolicy.TooLarge> tooLarge = policy.tooLarge(status, message);
        tooLarge.ifPresent(refusal -> deployment.pacer().announceTokenLimit(refusal.limit()));
        boolean capacity = tooLarge.isEmpty() && policy.isCapacityFailure(status, serverDelay, code);
        return new AttemptFailure(deployment, status, Integer.toString(status), headers, error, detail != null,
                serverDelay, System.nanoTime(), tooLarge.isEmpty() && policy.isRetryable(status, headers, code),
                capacity, tooLarge);
    }

    private void fail(AttemptFailure failure) {
        if (failure.capacity()) {
            permit.failed();
        } else {
            permit.answered();
        }
        end();
        listener.failed(this, failure);
    }
}
