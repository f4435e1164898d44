package dev.surge.gateway.deployment;

import java.net.URI;

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
 * One deployment's HTTP client: non-blocking Vert.x, a bounded HTTP/1.1 connection pool of its own, and the
 * deployment's key added to each request (and nowhere else).
 */
public final class UpstreamClient {

    private final HttpClient client;
    private final String chatCompletionsUri;
    private final String authorization;
    private final String apiKey;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;

    UpstreamClient(Vertx vertx, GatewayConfig.Deployment deployment) {
        String base = deployment.url().endsWith("/") ? deployment.url() : deployment.url() + "/";
        this.chatCompletionsUri = URI.create(base).resolve("chat/completions").toString();
        this.apiKey = deployment.apiKey().map(String::trim).filter(key -> !key.isEmpty()).orElse(null);
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.connectTimeoutMillis = deployment.connectTimeout().toMillis();
        this.readTimeoutMillis = deployment.readTimeout().toMillis();
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) connectTimeoutMillis)
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(deployment.poolSize()));
    }

    /**
     * Opens a {@code POST .../chat/completions} towards the deployment; send the body on the returned request.
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

    /** The deployment's key, or null when none is configured; only to keep it out of what callers see. */
    public String apiKey() {
        return apiKey;
    }

    void close() {
        client.close();
    }
}
