package dev.surge.gateway.service;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.surge.gateway.ChatCompletionRequest;
import dev.surge.gateway.GatewayConfig;
import dev.surge.gateway.deployment.Deployments;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * Forwards chat completions to the model's deployments with retries, fallbacks and backpressure; each call runs
 * as a {@link ChatCompletionCall}.
 */
@Singleton
public class ChatCompletionService {

    /** On every answer to a chat completion: how many attempts the call sent upstream (0 when none). */
    public static final String ATTEMPTS_HEADER = "x-surge-upstream-attempts";
    /** On an answer that came from a deployment (relayed, or its error passed on): the deployment's name. */
    public static final String DEPLOYMENT_HEADER = "x-surge-deployment";

    final Vertx vertx;
    final Deployments deployments;
    final RetryPolicy retryPolicy;
    final InFlightLimiter limiter;
    final GatewayMetrics metrics;
    final ErrorResponses errors;
    final int defaultNumRetries;
    final int defaultMaxTokens;
    final Duration overloadRetryAfter;

    @Inject
    ChatCompletionService(Vertx vertx, Deployments deployments, RetryPolicy retryPolicy, InFlightLimiter limiter,
            GatewayMetrics metrics, ErrorResponses errors, GatewayConfig config) {
        this.vertx = vertx;
        this.deployments = deployments;
        this.retryPolicy = retryPolicy;
        this.limiter = limiter;
        this.metrics = metrics;
        this.errors = errors;
        this.defaultNumRetries = config.numRetries();
        this.defaultMaxTokens = config.defaultMaxTokens();
        this.overloadRetryAfter = config.overloadRetryAfter();
    }

    /** Answers a validated request; the routing context's response is ended (or reset) when the call is over. */
    public void complete(RoutingContext context, ChatCompletionRequest request) {
        new ChatCompletionCall(this, context.response(), request).start();
    }
}
