package dev.surge.gateway.rest;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.surge.gateway.ChatCompletionRequest;
import dev.surge.gateway.GatewayConfig;
import dev.surge.gateway.GatewayJson;
import dev.surge.gateway.InvalidRequestException;
import dev.surge.gateway.OpenAiError;
import dev.surge.gateway.deployment.Deployments;
import dev.surge.gateway.service.ChatCompletionService;
import dev.surge.gateway.service.ErrorResponses;
import dev.surge.gateway.service.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The OpenAI-compatible HTTP face: {@code POST /v1/chat/completions} and {@code GET /v1/models}, behind the
 * gateway key. Plain Vert.x routes, so that a call's status and headers are set only once the upstream has
 * answered and a stream is relayed chunk by chunk.
 */
@Singleton
public class GatewayRoutes {

    private final ApiKeyAuthenticator authenticator;
    private final ChatCompletionService chatCompletions;
    private final ErrorResponses errors;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final String modelList;

    @Inject
    GatewayRoutes(ApiKeyAuthenticator authenticator, ChatCompletionService chatCompletions, ErrorResponses errors,
            GatewayMetrics metrics, GatewayConfig config, Deployments deployments) {
        this.authenticator = authenticator;
        this.chatCompletions = chatCompletions;
        this.errors = errors;
        this.metrics = metrics;
        this.config = config;
        // A static list, written once: it answers even while every deployment is down.
        this.modelList = GatewayJson.modelList(deployments.models());
    }

    void init(@Observes Router router) {
        // Authentication comes first, so that nobody without a key makes the gateway read a body.
        router.route("/v1/*").handler(this::authenticate);
        router.get("/v1/models").handler(this::listModels);
        router.post("/v1/chat/completions")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodySize().asLongValue()))
                .handler(this::chatCompletions)
                .failureHandler(this::bodyFailure);
    }

    private void authenticate(RoutingContext context) {
        if (authenticator.isAuthorized(context.request().getHeader("Authorization"))) {
            context.next();
            return;
        }
        if (context.request().path().endsWith("/chat/completions")) {
            metrics.requestCompleted(GatewayMetrics.UNKNOWN_MODEL, "unauthorized", Duration.ZERO);
            context.response().putHeader(ChatCompletionService.ATTEMPTS_HEADER, "0");
        }
        errors.send(context.response(), 401, false, OpenAiError.of(
                "Incorrect or missing API key. Send 'Authorization: Bearer <key>' with a key of this gateway.",
                "invalid_request_error", null, "invalid_api_key"));
    }

    private void listModels(RoutingContext context) {
        context.response().putHeader("content-type", "application/json").end(modelList);
    }

    private void chatCompletions(RoutingContext context) {
        ChatCompletionRequest request;
        try {
            Buffer body = context.body().buffer();
            request = ChatCompletionRequest.parse(body == null ? Buffer.buffer() : body);
        } catch (InvalidRequestException e) {
            metrics.requestCompleted(GatewayMetrics.UNKNOWN_MODEL, "invalid_request", Duration.ZERO);
            context.response().putHeader(ChatCompletionService.ATTEMPTS_HEADER, "0");
            errors.send(context.response(), 400, false,
                    OpenAiError.of(e.getMessage(), "invalid_request_error", e.param(), null));
            return;
        }
        chatCompletions.complete(context, request);
    }

    private void bodyFailure(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        if (context.statusCode() == 413) {
            metrics.requestCompleted(GatewayMetrics.UNKNOWN_MODEL, "invalid_request", Duration.ZERO);
            context.response().putHeader(ChatCompletionService.ATTEMPTS_HEADER, "0");
            errors.send(context.response(), 413, false, OpenAiError.of(
                    "The request body is larger than " + config.maxBodySize().asLongValue() + " bytes.",
                    "invalid_request_error", null, "request_too_large"));
        } else {
            context.next();
        }
    }
}
