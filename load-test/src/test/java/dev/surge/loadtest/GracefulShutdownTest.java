package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * SIGTERM during a reply, as a rolling restart sends it: the instance answers its waiting POST with 202 at once,
 * lets the LLM call in flight finish within its grace period or hands it back to Temporal, and exits; the frontend
 * re-sends with its {@code Idempotency-Key} to the next instance and gets the one reply.
 */
class GracefulShutdownTest {

    private static final Path ROOT = WorkerKilledMidReplyTest.ROOT;

    private static final Duration PROVIDER_LATENCY = Duration.ofSeconds(4);

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void callInFlightFinishesWithinTheGraceAndIsAnsweredOnce() throws Exception {
        JsonNode upstream = terminateMidReply("graceful-shutdown-drained", Map.of());
        assertEquals(1, upstream.path("requests").asInt(), "the call finished on the stopping instance: " + upstream);
        assertEquals(1, upstream.path("by_status").path("200").asInt(), upstream.toString());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void callPastTheGraceIsHandedBackAndAnsweredOnceByTheNextInstance() throws Exception {
        JsonNode upstream = terminateMidReply("graceful-shutdown-handed-back", Map.of("surge.llm.shutdown-grace", "1s"));
        assertEquals(2, upstream.path("requests").asInt(), "the abandoned call and the retry: " + upstream);
        assertEquals(1, upstream.path("by_status").path("client_closed").asInt(), upstream.toString());
        assertEquals(1, upstream.path("by_status").path("200").asInt(), upstream.toString());
    }

    /** Terminates the instance holding a reply at the provider, starts the next one; answers the provider's counts. */
    private static JsonNode terminateMidReply(String name, Map<String, String> config) throws Exception {
        try (LoopbackStack stack = LoopbackStack.start(ROOT, ROOT.resolve("load-test/target").resolve(name), PROVIDER_LATENCY)) {
            SurgeProcesses.Service gateway = stack.gateway("llm-gateway");
            SurgeProcesses.Service first = stack.agentService("agent-service-1", List.of(gateway), config);
            Frontend user = stack.user("user-1", Duration.ofSeconds(70));
            String task = user.createTask(first::url, System.nanoTime() + Duration.ofSeconds(30).toNanos());

            CompletableFuture<Frontend.Delivery> waiting = CompletableFuture.supplyAsync(
                    () -> WorkerKilledMidReplyTest.once(user, first, task));
            stack.awaitInFlightAtProvider(1);
            long terminated = System.nanoTime();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return first.terminate(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            });
            Frontend.Delivery cutShort = waiting.get(10, TimeUnit.SECONDS);
            double answeredSeconds = (System.nanoTime() - terminated) / 1e9;
            assertEquals(202, cutShort.answer().status(), "the waiting POST is told to come back: " + cutShort);
            assertTrue(answeredSeconds < 5, "the waiting POST was answered " + answeredSeconds + " s after SIGTERM");
            assertNotEquals(-1, exit.get(60, TimeUnit.SECONDS), "agent-service-1 did not exit by itself");
            double exitedSeconds = (System.nanoTime() - terminated) / 1e9;

            SurgeProcesses.Service second = stack.agentService("agent-service-2", List.of(gateway), Map.of());
            Frontend.Delivery delivery = user.deliver(second::url, task, "hello", "key-1", Duration.ofSeconds(10),
                    System.nanoTime() + Duration.ofSeconds(45).toNanos());
            assertEquals(200, delivery.answer().status(), "re-sent with its key: " + delivery);
            String reply = delivery.answer().body().path("reply").path("content").asText();
            WorkerKilledMidReplyTest.assertOneExchange(LoopbackStack.messages(user, second, task), reply);
            Console.info("%s: 202 %.1f s after SIGTERM, exited after %.1f s, reply on the next instance", name,
                    answeredSeconds, exitedSeconds);
            return stack.provider().stats();
        }
    }
}
