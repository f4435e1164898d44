package dev.surge.gateway.deployment;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.surge.gateway.GatewayConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * One deployment's HTTP client: non-blocking Vert.x, bounded HTTP/1.1 connection pools of its own, and the
 * deployment's key added to each request (and nowhere else).
 *
 * <p>One pool per event loop, each with its share of {@code pool-size}: a call runs on the event loop its caller's
 * connection belongs to, and an upstream connection opened by another loop would hand every read and write of the
 * call over between threads (a wake-up and a queue each way). With a pool per loop, the call and its upstream
 * connection stay on one thread from the caller's request to the last byte relayed.
 */
public final class UpstreamClient {

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence USER_AGENT = HttpHeaders.createOptimized("surge-llm-gateway");

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions poolOptions;
    /** Requests made off any event loop (none on the gateway's hot path) share this pool. */
    private final HttpClient shared;
    private final Map<EventLoop, HttpClient> byEventLoop = new ConcurrentHashMap<>();
    /** Where requests go, taken apart once rather than parsed from an absolute URI on every request. */
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String chatCompletionsPath;
    private final CharSequence authorization;
    private final String apiKey;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;

    UpstreamClient(Vertx vertx, GatewayConfig.Deployment deployment) {
        String base = deployment.url().endsWith("/") ? deployment.url() : deployment.url() + "/";
        URI chatCompletions = URI.create(base).resolve("chat/completions");
        this.ssl = "https".equalsIgnoreCase(chatCompletions.getScheme());
        this.host = chatCompletions.getHost();
        this.port = chatCompletions.getPort() != -1 ? chatCompletions.getPort() : ssl ? 443 : 80;
        this.chatCompletionsPath = chatCompletions.getRawPath()
                + (chatCompletions.getRawQuery() == null ? "" : "?" + chatCompletions.getRawQuery());
        this.apiKey = deployment.apiKey().map(String::trim).filter(key -> !key.isEmpty()).orElse(null);
        this.authorization = apiKey == null ? null : HttpHeaders.createOptimized("Bearer " + apiKey);
        this.connectTimeoutMillis = deployment.connectTimeout().toMillis();
        this.readTimeoutMillis = deployment.readTimeout().toMillis();
        this.vertx = vertx;
        this.options = new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) connectTimeoutMillis)
                .setDecompressionSupported(false);
        int eventLoops = 0;
        for (EventExecutor ignored : ((VertxInternal) vertx).getEventLoopGroup()) {
            eventLoops++;
        }
        this.poolOptions = new PoolOptions().setHttp1MaxSize(
                Math.max(1, (deployment.poolSize() + eventLoops - 1) / Math.max(1, eventLoops)));
        this.shared = vertx.createHttpClient(options, poolOptions);
    }

    /**
     * Opens a {@code POST .../chat/completions} towards the deployment; send the body on the returned request.
     * Callbacks run on the calling Vert.x context.
     */
    public Future<HttpClientRequest> chatCompletions(boolean stream) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(chatCompletionsPath)
                .setConnectTimeout(connectTimeoutMillis)
                .setIdleTimeout(readTimeoutMillis)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.ACCEPT, stream ? EVENT_STREAM : JSON)
                .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        return client().request(options);
    }

    /** The deployment's key, or null when none is configured; only to keep it out of what callers see. */
    public String apiKey() {
        return apiKey;
    }

    void close() {
        shared.close();
        byEventLoop.values().forEach(HttpClient::close);
    }

    /** The pool of the calling event loop, opened on its first request. */
    private HttpClient client() {
        Context context = Vertx.currentContext();
        if (context instanceof ContextInternal internal && context.isEventLoopContext()) {
            HttpClient client = byEventLoop.get(internal.nettyEventLoop());
            return client != null ? client : byEventLoop.computeIfAbsent(internal.nettyEventLoop(),
                    loop -> vertx.createHttpClient(options, poolOptions));
        }
        return shared;
    }
}
