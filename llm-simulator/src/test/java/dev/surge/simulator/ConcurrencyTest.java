package dev.surge.simulator;

import static dev.surge.simulator.SimulatorTestSupport.chat;
import static dev.surge.simulator.SimulatorTestSupport.configure;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

@QuarkusTest
class ConcurrencyTest {

    private static final Logger LOG = Logger.getLogger(ConcurrencyTest.class);
    private static final int REQUESTS = 2000;

    @Inject
    Vertx vertx;

    @TestHTTPResource("/")
    URL root;

    @Test
    void twoThousandConcurrentSlowRequestsAllCompleteOnABoundedNumberOfThreads() throws Exception {
        configure("{\"latency\":{\"first_token_ms\":1000}}");
        // The client runs on the application's own event loops, so it adds no threads of its own.
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(REQUESTS).setMaxWaitQueueSize(-1));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(root.getHost())
                .setPort(root.getPort()).setURI("/v1/chat/completions").putHeader("Content-Type", "application/json");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.resetPeakThreadCount();
        int before = threads.getThreadCount();

        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String body = chat("concurrent " + i, 8, i % 2 == 0);
            statuses.add(client.request(options)
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().map(ignored -> response.statusCode())));
        }
        Future.all(statuses).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int peak = threads.getPeakThreadCount();
        client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertTrue(statuses.stream().allMatch(status -> status.result() == 200), "not every request got 200");
        JsonPath stats = given().get("/sim/stats").jsonPath();
        LOG.infof("%d concurrent requests: threads %d before, %d at peak; concurrent_peak %d", REQUESTS, before, peak,
                stats.getInt("concurrent_peak"));
        assertEquals(REQUESTS, stats.getInt("by_status.200"));
        assertTrue(stats.getInt("concurrent_peak") > REQUESTS / 4,
                "requests did not overlap: peak " + stats.getInt("concurrent_peak"));
        assertTrue(peak - before < 100, "threads grew from " + before + " to " + peak);
    }
}
