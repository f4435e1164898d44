package dev.surge.gateway.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.surge.gateway.ChatCompletionRequest;
import dev.surge.gateway.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/** Forwards chat completions upstream with retries and backpressure; each call runs as a {@link ChatCompletionCall}. */
@ApplicationScoped
public class ChatCompletionService {

    final Vertx vertx;
    final UpstreamClient upstream;
    final RetryPolicy retryPolicy;
    final InFlightLimiter limiter;
    final UpstreamPacer pacer;
    final GatewayMetrics metrics;
    final ErrorResponses errors;
    final int defaultNumRetries;
    final Duration overloadRetryAfter;
    /** Only to scrub it from upstream error bodies before they reach a caller. */
    final String upstreamApiKey;

    @Inject
    ChatCompletionService(Vertx vertx, UpstreamClient upstream, RetryPolicy retryPolicy, InFlightLimiter limiter,
            UpstreamPacer pacer, GatewayMetrics metrics, ErrorResponses errors, GatewayConfig config) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.retryPolicy = retryPolicy;
        this.limiter = limiter;
        this.pacer = pacer;
        this.metrics = metrics;
        this.errors = errors;
        this.defaultNumRetries = config.numRetries();
        this.overloadRetryAfter = config.overloadRetryAfter();
        this.upstreamApiKey = upstream.apiKey();
    }

    /** Answers a validated request; the routing context's response is ended (or reset) when the call is over. */
    public void complete(RoutingContext context, ChatCompletionRequest request) {
        new ChatCompletionCall(this, context.response(), request).start();
    }
}
