package dev.surge.gateway.service;

import java.net.URI;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.surge.gateway.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The upstream's HTTP client: non-blocking Vert.x, a bounded HTTP/1.1 connection pool, and the upstream key
 * added to each request (and nowhere else).
 */
@ApplicationScoped
public class UpstreamClient {

    private final HttpClient client;
    private final String chatCompletionsUri;
    private final String authorization;
    private final String apiKey;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;

    @Inject
    UpstreamClient(Vertx vertx, GatewayConfig config) {
        GatewayConfig.Upstream upstream = config.upstream();
        String base = upstream.url().endsWith("/") ? upstream.url() : upstream.url() + "/";
        this.chatCompletionsUri = URI.create(base).resolve("chat/completions").toString();
        this.apiKey = upstream.apiKey().map(String::trim).filter(key -> !key.isEmpty()).orElse(null);
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.connectTimeoutMillis = upstream.connectTimeout().toMillis();
        this.readTimeoutMillis = upstream.readTimeout().toMillis();
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) connectTimeoutMillis)
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(upstream.poolSize()));
    }

    /**
     * Opens a {@code POST .../chat/completions} towards the upstream; send the body on the returned request.
     * Callbacks run on the calling Vert.x context.
     */
    public Future<HttpClientRequest> chatCompletions(boolean stream) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(chatCompletionsUri)
                .setConnectTimeout(connectTimeoutMillis)
                .setIdleTimeout(readTimeoutMillis)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json")
                .putHeader(HttpHeaders.USER_AGENT, "surge-llm-gateway");
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        return client.request(options);
    }

    /** The upstream key, or null when none is configured; only to keep it out of what callers see. */
    String apiKey() {
        return apiKey;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
