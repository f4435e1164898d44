package dev.surge.loadtest;

import java.net.URI;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The floor under llm-gateway's overhead in {@code ./bench}: about the least a proxy built on the gateway's own
 * Vert.x and Netty can spend on a request, so that what the gateway costs splits into what its transport costs and
 * what Surge adds on top.
 *
 * <p>It reads a request whole, sends it to the upstream's chat completions path with the upstream's key, on a
 * keep-alive connection of its own event loop's pool (as llm-gateway does, so that a call stays on one thread),
 * reads the answer whole and passes on its status, content type and body. Nothing else: no authentication,
 * parsing, pacing, breaker, retry, metrics or streaming relay. A benchmark reference, not a product:
 * {@link SurgeProcesses#startBareProxy} runs it on llm-gateway's class path, so that it uses that build's Vert.x
 * and Netty, with the gateway's JVM options. Vert.x's defaults otherwise, like Quarkus's: event loops twice the
 * cores, NIO transport.
 *
 * <p>Arguments: the port to listen on (loopback), the upstream's base URL (such as {@code http://127.0.0.1:8089/v1})
 * and the key to present to it.
 */
public final class BenchBareProxy extends AbstractVerticle {

    /**
     * Connections each event loop may open upstream: more than any loop needs in the benchmark (its closed loop
     * spreads 32 connections, its open loop 64, over the loops), so that no request waits for one.
     */
    private static final int POOL_PER_EVENT_LOOP = 64;

    private final int port;
    private final RequestOptions upstream;
    private HttpClient client;

    private BenchBareProxy(int port, RequestOptions upstream) {
        this.port = port;
        this.upstream = upstream;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: BenchBareProxy <port> <upstream base URL> <upstream key>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        URI chatCompletions = URI.create(args[1].endsWith("/") ? args[1] : args[1] + "/").resolve("chat/completions");
        // Only read, never changed: every request of every loop is made from the same options.
        RequestOptions upstream = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(chatCompletions.getHost())
                .setPort(chatCompletions.getPort())
                .setURI(chatCompletions.getRawPath())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + args[2]);
        Vertx vertx = Vertx.vertx();
        // One instance per event loop: each has its own client, whose connections belong to that loop.
        vertx.deployVerticle(() -> new BenchBareProxy(port, upstream),
                new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE))
                .onSuccess(id -> System.out.printf("bare proxy listening on 127.0.0.1:%d, upstream %s%n", port,
                        chatCompletions))
                .onFailure(failure -> {
                    System.err.println("bare proxy failed to start: " + failure);
                    System.exit(1);
                });
    }

    @Override
    public void start(Promise<Void> started) {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(POOL_PER_EVENT_LOOP));
        vertx.createHttpServer()
                .requestHandler(this::relay)
                .listen(port, "127.0.0.1")
                .<Void>mapEmpty()
                .onComplete(started);
    }

    private void relay(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        request.body()
                .compose(body -> client.request(upstream).compose(call -> call.send(body)))
                .compose(answer -> answer.body().onSuccess(body -> {
                    String contentType = answer.getHeader(HttpHeaders.CONTENT_TYPE);
                    if (contentType != null) {
                        response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
                    }
                    response.setStatusCode(answer.statusCode()).end(body);
                }))
                .onFailure(failure -> {
                    if (!response.headWritten()) {
                        response.setStatusCode(502).end();
                    }
                });
    }
}
