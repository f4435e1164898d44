package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Exactly once when processes die: two agent-services and two llm-gateways on one standalone Temporal test server
 * serve 40 users x 6 messages while one agent-service is killed (SIGKILL) and restarted, a gateway is killed and
 * restarted, the provider fails a third of its requests for a while (5xx, resets, hangs), and the other
 * agent-service is terminated (SIGTERM) and restarted. The users behave as README asks a frontend to: each message
 * has its own {@code Idempotency-Key} and is re-sent with it, to the next instance, on a connection error, a 202 or
 * a 5xx that is not the reply's own failure. Afterwards every conversation is read through the API.
 */
class ChaosTest {

    private static final int USERS = 40;
    private static final int MESSAGES = 6;
    /** About a minute and a half of load: long enough for every fault to strike while messages are in flight. */
    private static final Duration THINK_TIME = Duration.ofSeconds(10);
    private static final Duration PROVIDER_LATENCY = Duration.ofMillis(1500);
    /** How long one message may take, re-sends included, before the test counts it stuck. */
    private static final Duration MESSAGE_DEADLINE = Duration.ofSeconds(150);

    /** Logs why an attempt's answer was not used (its activity had timed out, or its process was stopping). */
    private static final Map<String, String> AGENT_CONFIG =
            Map.of("quarkus.log.category.\"dev.surge.agent.workflow.PendingLlmCall\".level", "DEBUG");
    /**
     * Provider answers that no reply used, at most, as a share of the messages: an answer that arrives as its attempt
     * is given up (its process killed, or on an overloaded machine a heartbeat late) is dropped, and the retry calls
     * the provider again. The reply itself is still stored once.
     */
    private static final double UNUSED_ANSWERS = 0.05;

    /** One message's fate, as its user saw it. */
    private record Sent(String task, String key, String content, Frontend.Delivery delivery) {
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyMessageIsAnsweredExactlyOnceThroughKillsRestartsAndProviderFaults() throws Exception {
        try (LoopbackStack stack = LoopbackStack.start("chaos", PROVIDER_LATENCY)) {
            SurgeProcesses.Service gateway1 = stack.gateway("llm-gateway-1");
            SurgeProcesses.Service gateway2 = stack.gateway("llm-gateway-2");
            List<SurgeProcesses.Service> gateways = List.of(gateway1, gateway2);
            SurgeProcesses.Service agent1 = stack.agentService("agent-service-1", gateways, AGENT_CONFIG);
            SurgeProcesses.Service agent2 = stack.agentService("agent-service-2", gateways, AGENT_CONFIG);
            List<SurgeProcesses.Service> agents = List.of(agent1, agent2);
            SimulatorControl provider = stack.provider();
            Chaos chaos = new Chaos();

            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(USERS + 1);
            try {
                List<Future<List<Sent>>> users = new ArrayList<>();
                for (int user = 0; user < USERS; user++) {
                    int index = user;
                    users.add(pool.submit(() -> converse(stack, agents, index)));
                }
                Future<?> faults = pool.submit(() -> {
                    Thread.sleep(5_000);
                    chaos.killAndRestart(agent1);
                    Thread.sleep(3_000);
                    chaos.killAndRestart(gateway1);
                    Thread.sleep(3_000);
                    chaos.faultBurst(provider, 0.3, Duration.ofSeconds(8), Duration.ofSeconds(10));
                    Thread.sleep(3_000);
                    chaos.terminateAndRestart(agent2, Duration.ofSeconds(60));
                    return null;
                });
                faults.get(4, TimeUnit.MINUTES);
                List<Sent> sent = new ArrayList<>();
                for (Future<List<Sent>> user : users) {
                    sent.addAll(user.get(4, TimeUnit.MINUTES));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                verify(stack, agents, sent, provider.stats(), chaos, seconds);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One user: a task, then {@link #MESSAGES} messages one after another, each delivered whatever happens. */
    private static List<Sent> converse(LoopbackStack stack, List<SurgeProcesses.Service> agents, int user)
            throws Exception {
        Frontend frontend = stack.user("user-" + user, Duration.ofSeconds(70));
        Supplier<URI> nextInstance = roundRobin(agents, user);
        Thread.sleep(ThreadLocalRandom.current().nextLong(2_000));
        String task = frontend.createTask(nextInstance, deadline(MESSAGE_DEADLINE));
        List<Sent> sent = new ArrayList<>();
        for (int m = 0; m < MESSAGES; m++) {
            String key = "user-" + user + "-message-" + m;
            String content = "message " + m + " of user " + user;
            sent.add(new Sent(task, key, content, frontend.deliver(nextInstance, task, content, key,
                    Duration.ofSeconds(60), deadline(MESSAGE_DEADLINE))));
            Thread.sleep(THINK_TIME.toMillis() / 2 + ThreadLocalRandom.current().nextLong(THINK_TIME.toMillis()));
        }
        return sent;
    }

    /** A frontend behind a load balancer: each request goes to the next instance. */
    private static Supplier<URI> roundRobin(List<SurgeProcesses.Service> agents, int start) {
        AtomicInteger next = new AtomicInteger(start);
        return () -> agents.get(Math.floorMod(next.getAndIncrement(), agents.size())).url();
    }

    private static void verify(LoopbackStack stack, List<SurgeProcesses.Service> agents, List<Sent> sent,
            JsonNode upstream, Chaos chaos, double seconds) throws InterruptedException {
        assertEquals(USERS * MESSAGES, sent.size());
        int completed = 0;
        int failed = 0;
        int resent = 0;
        for (Sent message : sent) {
            Frontend.Delivery delivery = message.delivery();
            resent += delivery.attempts() - 1;
            if (delivery.completed()) {
                completed++;
                assertEquals(message.content(), delivery.answer().body().path("user_message").path("content").asText());
            } else {
                failed++;
                assertTrue(!Frontend.retryable(delivery.answer()) && !delivery.answer().body().path("detail").asText()
                        .isEmpty(), message.key() + " ended neither answered nor failed with a reason: " + delivery);
            }
        }

        int checkedTasks = 0;
        for (int user = 0; user < USERS; user++) {
            int index = user;
            List<Sent> own = sent.stream().filter(s -> s.key().startsWith("user-" + index + "-")).toList();
            Frontend owner = stack.user("user-" + user, Duration.ofSeconds(10));
            JsonNode messages = LoopbackStack.messages(owner, agents.get(user % agents.size()), own.get(0).task());
            assertEquals(2 * MESSAGES, messages.size(), "each message once, each with one reply: " + messages);
            for (int m = 0; m < MESSAGES; m++) {
                JsonNode question = messages.get(2 * m);
                JsonNode reply = messages.get(2 * m + 1);
                Sent message = own.get(m);
                assertEquals("user", question.path("role").asText(), messages.toString());
                assertEquals(message.content(), question.path("content").asText(), "in order: " + messages);
                assertEquals("assistant", reply.path("role").asText(), messages.toString());
                assertEquals(question.path("id").asText(), reply.path("in_reply_to").asText(), messages.toString());
                String status = reply.path("status").asText();
                if (message.delivery().completed()) {
                    assertEquals("COMPLETED", status, message.key() + ": " + reply);
                    assertEquals(message.delivery().answer().body().path("reply").path("content").asText(),
                            reply.path("content").asText(), "the reply its user got is the one stored: " + message.key());
                } else {
                    assertEquals("FAILED", status, message.key() + ": " + reply);
                    assertTrue(reply.path("failure").path("type").isTextual(), "failed with a reason: " + reply);
                }
            }
            checkedTasks++;
        }

        long answered = upstream.path("by_status").path("200").asLong();
        long requests = upstream.path("requests").asLong();
        Console.info("chaos: %d messages in %.0f s: %d completed, %d failed with a reason, %d re-sends; upstream %d "
                + "requests (%.2f a message), %d answered 200, by status %s; %d conversations read back; events %s",
                sent.size(), seconds, completed, failed, resent, requests, (double) requests / sent.size(), answered,
                upstream.path("by_status"), checkedTasks, chaos.events().stream().map(Chaos.Event::what).toList());
        assertTrue(completed >= sent.size() * 0.9, "most messages are answered: " + completed);
        assertTrue(answered >= completed && answered - completed <= sent.size() * UNUSED_ANSWERS,
                "upstream 200s " + answered + " for " + completed + " replies");
    }

    private static long deadline(Duration in) {
        return System.nanoTime() + in.toNanos();
    }
}
