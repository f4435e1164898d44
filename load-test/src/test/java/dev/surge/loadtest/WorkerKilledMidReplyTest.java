package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A node that vanishes mid-reply: agent-service is killed (SIGKILL) while its LLM call is at the provider, and
 * another agent-service on the same Temporal takes over. Real processes on loopback, as the demo starts them.
 */
class WorkerKilledMidReplyTest {

    static final Path ROOT = Path.of(System.getProperty("surge.root", "..")).toAbsolutePath().normalize();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void replyOfAKilledWorkerIsCompletedOnceByAnotherWithinThirtySeconds() throws Exception {
        try (LoopbackStack stack = LoopbackStack.start(ROOT, ROOT.resolve("load-test/target/worker-killed-mid-reply"), Duration.ofSeconds(3))) {
            SurgeProcesses.Service gateway = stack.gateway("llm-gateway");
            SurgeProcesses.Service first = stack.agentService("agent-service-1", List.of(gateway), Map.of());
            Frontend user = stack.user("user-1", Duration.ofSeconds(70));
            String task = user.createTask(first::url, System.nanoTime() + Duration.ofSeconds(30).toNanos());

            CompletableFuture<Frontend.Delivery> cutOff = CompletableFuture.supplyAsync(() -> once(user, first, task));
            stack.awaitInFlightAtProvider(1);
            first.kill();
            long killed = System.nanoTime();
            assertEquals(0, cutOff.get(10, TimeUnit.SECONDS).answer().status(),
                    "the killed instance's caller lost its connection");

            SurgeProcesses.Service second = stack.agentService("agent-service-2", List.of(gateway), Map.of());
            long readStarted = System.nanoTime();
            Frontend.Answer read = user.get(second.url(), "/tasks/" + task + "/messages");
            double readSeconds = (System.nanoTime() - readStarted) / 1e9;
            assertEquals(200, read.status(), read.body().toString());
            // Before the fix the read waited for the dead worker until the call timeout (10 s), then answered 503; a
            // fresh JVM's first read on a loaded machine takes a few seconds.
            assertTrue(readSeconds < 8, "a read of the dead worker's conversation took " + readSeconds + " s");

            Frontend.Delivery delivery = user.deliver(second::url, task, "hello", "key-1", Duration.ofSeconds(10),
                    killed + Duration.ofSeconds(30).toNanos());
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            assertEquals(200, delivery.answer().status(), "re-sent with its key: " + delivery);
            assertTrue(recoverySeconds <= 30, "the reply came " + recoverySeconds + " s after the kill");
            String reply = delivery.answer().body().path("reply").path("content").asText();
            assertFalse(reply.isEmpty(), delivery.toString());
            assertOneExchange(LoopbackStack.messages(user, second, task), reply);

            JsonNode upstream = stack.provider().stats();
            assertEquals(2, upstream.path("requests").asInt(), "the dead attempt and the retry: " + upstream);
            assertEquals(1, upstream.path("by_status").path("client_closed").asInt(), upstream.toString());
            assertEquals(1, upstream.path("by_status").path("200").asInt(), upstream.toString());
            Console.info("reads answered %.1f s after the new instance was ready; the reply came %.1f s after the kill",
                    readSeconds, recoverySeconds);
        }
    }

    /** One POST of the test's message, not re-sent: what the instance that is about to stop answers. */
    static Frontend.Delivery once(Frontend user, SurgeProcesses.Service agent, String task) {
        try {
            return user.deliver(agent::url, task, "hello", "key-1", Duration.ofSeconds(60), System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The conversation holds the user's message and exactly one completed reply, {@code reply}, after it. */
    static void assertOneExchange(JsonNode messages, String reply) {
        assertEquals(2, messages.size(), "one user message and one reply: " + messages);
        assertEquals("user", messages.get(0).path("role").asText());
        assertEquals("assistant", messages.get(1).path("role").asText());
        assertEquals("COMPLETED", messages.get(1).path("status").asText());
        assertEquals(reply, messages.get(1).path("content").asText());
    }
}
