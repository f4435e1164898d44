package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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

    private static final Path ROOT = Path.of(System.getProperty("surge.root", "..")).toAbsolutePath().normalize();
    /** Long enough to kill the worker while the provider is still answering. */
    private static final Duration PROVIDER_LATENCY = Duration.ofSeconds(3);

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void replyOfAKilledWorkerIsCompletedOnceByAnotherWithinThirtySeconds() throws Exception {
        Path logs = ROOT.resolve("load-test/target/worker-killed-mid-reply");
        try (SurgeProcesses stack = new SurgeProcesses(ROOT, logs, "sk-surge-chaos")) {
            String temporal = stack.startTemporal();
            SurgeProcesses.Service simulator = stack.startSimulator(Map.of("surge.simulator.rpm", "0",
                    "surge.simulator.tpm", "0",
                    "surge.simulator.latency.first-token", PROVIDER_LATENCY.toMillis() + "ms",
                    "surge.simulator.latency.per-token", "0",
                    "surge.simulator.latency.jitter", "0"), List.of());
            SurgeProcesses.Service gateway = stack.startGateway("llm-gateway", simulator.url(), Map.of(), List.of());
            Path signingKey = DemoTokens.generate(logs);
            SurgeProcesses.Service first = stack.startAgentService("agent-service-1", temporal,
                    List.of(gateway.url()), signingKey, Map.of(), List.of());
            SimulatorControl provider = new SimulatorControl(simulator.url());
            Frontend user = new Frontend(DemoTokens.read(DemoTokens.privateKeyFile(logs)).mint("user-1"),
                    Duration.ofSeconds(70));
            String task = user.createTask(first::url, deadline(Duration.ofSeconds(30)));

            CompletableFuture<Frontend.Answer> cutOff = CompletableFuture.supplyAsync(() -> {
                try {
                    return user.deliver(first::url, task, "hello", "key-1", Duration.ofSeconds(60),
                            System.nanoTime()).answer();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitInFlightAtProvider(provider);
            first.kill();
            long killed = System.nanoTime();
            assertEquals(0, cutOff.get(10, TimeUnit.SECONDS).status(), "the killed instance's caller lost its connection");

            SurgeProcesses.Service second = stack.startAgentService("agent-service-2", temporal,
                    List.of(gateway.url()), signingKey, Map.of(), List.of());
            long readStarted = System.nanoTime();
            Frontend.Answer read = user.get(second.url(), "/tasks/" + task + "/messages");
            double readSeconds = (System.nanoTime() - readStarted) / 1e9;
            assertEquals(200, read.status(), read.body().toString());
            assertTrue(readSeconds < 5, "a read of the dead worker's conversation took " + readSeconds + " s");

            Frontend.Delivery delivery = user.deliver(second::url, task, "hello", "key-1", Duration.ofSeconds(10),
                    killed + Duration.ofSeconds(30).toNanos());
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            assertEquals(200, delivery.answer().status(), "re-sent with its key: " + delivery);
            assertTrue(recoverySeconds <= 30, "the reply came " + recoverySeconds + " s after the kill");
            String reply = delivery.answer().body().path("reply").path("content").asText();
            assertTrue(!reply.isEmpty(), delivery.toString());

            JsonNode messages = user.get(second.url(), "/tasks/" + task + "/messages").body().path("messages");
            assertEquals(2, messages.size(), "one user message and one reply: " + messages);
            assertEquals("user", messages.get(0).path("role").asText());
            assertEquals("COMPLETED", messages.get(1).path("status").asText());
            assertEquals(reply, messages.get(1).path("content").asText());

            JsonNode upstream = provider.stats();
            assertEquals(2, upstream.path("requests").asInt(), "the dead attempt and the retry: " + upstream);
            assertEquals(1, upstream.path("by_status").path("client_closed").asInt(), upstream.toString());
            assertEquals(1, upstream.path("by_status").path("200").asInt(), upstream.toString());
            Console.info("reads answered %.1f s after the new instance was ready; the reply came %.1f s after the kill",
                    readSeconds, recoverySeconds);
        }
    }

    private static void awaitInFlightAtProvider(SimulatorControl provider) throws Exception {
        long deadline = deadline(Duration.ofSeconds(30));
        while (provider.stats().path("concurrent").asInt() < 1) {
            assertTrue(System.nanoTime() < deadline, "the message never reached the provider");
            Thread.sleep(20);
        }
    }

    private static long deadline(Duration in) {
        return System.nanoTime() + in.toNanos();
    }
}
