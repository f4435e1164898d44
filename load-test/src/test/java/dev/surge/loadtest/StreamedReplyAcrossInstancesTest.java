package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Streamed replies ({@code POST /tasks/{id}/messages} with {@code Accept: text/event-stream}) across two
 * agent-service processes on one standalone Temporal test server, with llm-gateway and llm-simulator, each its own
 * process on loopback. A streamed reply's LLM activity runs on the task queue of the instance that holds the
 * caller's connection ({@code surge-conversations-<replica-id>}; the replica id is a random one per start unless
 * {@code surge.temporal.replica-id} names it, so two processes never share one).
 */
class StreamedReplyAcrossInstancesTest {

    static final Path ROOT = Path.of(System.getProperty("surge.root", "..")).toAbsolutePath().normalize();
    static final Path LOGS = ROOT.resolve("load-test/target/streamed-reply-across-instances");

    /** The provider's time to first token; each piece of the reply then takes {@link #PER_TOKEN} per token. */
    static final Duration FIRST_TOKEN = Duration.ofMillis(300);
    /** Slow enough that a reply (16 to 63 tokens, in pieces of a word) streams for 1.6 to 6.3 s. */
    static final Duration PER_TOKEN = Duration.ofMillis(100);

    /**
     * The shared worker of an instance that runs no conversation: it polls a queue that no workflow or activity is
     * ever put on, instead of {@code surge.temporal.task-queue}. Its own replica queue is still polled, and it still
     * starts workflows and sends updates on the shared queue, where the other instance runs them.
     */
    static final Map<String, String> NO_CONVERSATION_WORKER =
            Map.of("quarkus.temporal.worker.task-queue", "no-conversation-is-put-here");

    /**
     * From the kill of the instance streaming a reply to that reply being stored by the other, with the defaults of
     * agent-service's configuration: the dead attempt's heartbeat timeout ({@code surge.llm.heartbeat-timeout}, 15 s
     * after its last heartbeat, which came before the kill), after which the workflow writes the reply on the shared
     * queue, unstreamed; then the reply itself (0.3 s + at most 63 tokens x 0.1 s). About 22 s; the rest is room for
     * workflow tasks and HTTP calls on a loaded 2-core machine. (Before agent-service made each streamed attempt its
     * own activity, Temporal retried the dead attempt on the dead instance's queue, where the test server never timed
     * it out: the reply stayed PENDING.)
     */
    static final Duration TAKEOVER_BOUND = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void replyStreamsToTheInstanceHoldingTheConnectionWhileTheOtherRunsTheConversation() throws Exception {
        try (LoopbackStack stack = slowlyStreamingStack("streams-across-instances")) {
            SurgeProcesses.Service gateway = stack.gateway("llm-gateway");
            SurgeProcesses.Service conversations = stack.agentService("agent-service-a", List.of(gateway), Map.of());
            SurgeProcesses.Service connections = stack.agentService("agent-service-b", List.of(gateway),
                    NO_CONVERSATION_WORKER);
            Frontend user = stack.user("user-1", Duration.ofSeconds(30));
            String task = user.createTask(conversations::url, System.nanoTime() + Duration.ofSeconds(30).toNanos());

            // B runs no workflow and no activity of the shared queue: the conversation's steps run on A, and a delta
            // reaches B's caller only if the LLM activity ran on B's own queue, where B's caller is connected.
            Frontend.Streamed streamed = stream(user, connections, task, event -> {
            });

            assertEquals(200, streamed.status(), streamed.toString());
            assertEquals("", streamed.cutBy(), "the server ended the stream: " + streamed);
            List<Frontend.Event> deltas = streamed.named("delta");
            assertTrue(deltas.size() >= 2, "the reply came in several deltas: " + streamed.events());
            List<Frontend.Event> events = streamed.events();
            assertEquals(deltas.size() + 2, events.size(), "message.created, the deltas, message.completed: " + events);
            assertEquals("message.created", events.get(0).name(), events.toString());
            assertEquals("message.completed", events.get(events.size() - 1).name(), events.toString());
            String replyId = events.get(0).data().path("reply_message_id").asText();
            assertFalse(replyId.isEmpty(), events.get(0).toString());
            deltas.forEach(delta -> assertEquals(replyId, delta.data().path("reply_message_id").asText()));
            JsonNode completed = events.get(events.size() - 1).data();
            assertEquals(replyId, completed.path("id").asText(), completed.toString());
            assertEquals("COMPLETED", completed.path("status").asText(), completed.toString());
            String reply = completed.path("content").asText();
            assertFalse(reply.isEmpty(), completed.toString());
            assertEquals(reply, streamed.shownText(), "the deltas add up to the reply");

            WorkerKilledMidReplyTest.assertOneExchange(LoopbackStack.messages(user, conversations, task), reply);
            JsonNode upstream = stack.provider().stats();
            assertEquals(1, upstream.path("requests").asInt(), "one upstream call: " + upstream);
            assertEquals(1, upstream.path("by_status").path("200").asInt(), upstream.toString());
            Console.info("%d deltas streamed through agent-service-b, the conversation on agent-service-a",
                    deltas.size());
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void replyOfAStreamingInstanceKilledMidReplyIsCompletedOnceByTheOther() throws Exception {
        try (LoopbackStack stack = slowlyStreamingStack("streaming-instance-killed")) {
            SurgeProcesses.Service gateway = stack.gateway("llm-gateway");
            // Both poll the shared queue: the conversation's steps run on either.
            SurgeProcesses.Service streaming = stack.agentService("agent-service-a", List.of(gateway), Map.of());
            SurgeProcesses.Service other = stack.agentService("agent-service-b", List.of(gateway), Map.of());
            Frontend user = stack.user("user-1", Duration.ofSeconds(30));
            String task = user.createTask(streaming::url, System.nanoTime() + Duration.ofSeconds(30).toNanos());

            CountDownLatch firstDelta = new CountDownLatch(1);
            CompletableFuture<Frontend.Streamed> cutOff = CompletableFuture.supplyAsync(
                    () -> stream(user, streaming, task, event -> {
                        if (event.name().equals("delta")) {
                            firstDelta.countDown();
                        }
                    }));
            assertTrue(firstDelta.await(60, TimeUnit.SECONDS), "no delta arrived: " + stack.provider().stats());
            streaming.kill();
            long killed = System.nanoTime();
            Frontend.Streamed cut = cutOff.get(10, TimeUnit.SECONDS);
            assertFalse(cut.named("delta").isEmpty(), cut.toString());
            assertEquals(List.of(), cut.named("message.completed"), "the reply was cut off mid-stream: " + cut);
            assertEquals(List.of(), cut.named("message.failed"), cut.toString());

            // The frontend re-sends the message with its key to the instance that is left, as after any broken stream.
            CompletableFuture<Frontend.Streamed> resent = CompletableFuture.supplyAsync(
                    () -> stream(user, other, task, event -> {
                    }));
            Frontend.Streamed recovered;
            try {
                recovered = resent.get(TAKEOVER_BOUND.toNanos() - (System.nanoTime() - killed), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no reply within " + TAKEOVER_BOUND.toSeconds() + " s of the kill: "
                        + LoopbackStack.messages(user, other, task) + " " + stack.provider().stats());
            }
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            assertEquals(200, recovered.status(), recovered.toString());
            assertEquals("", recovered.cutBy(), recovered.toString());
            // The dead instance's queue was not picked up in time: the reply was written on the shared queue,
            // unstreamed, and comes whole.
            assertEquals(List.of("message.created", "message.completed"),
                    recovered.events().stream().map(Frontend.Event::name).toList(), recovered.toString());
            JsonNode completed = recovered.events().get(1).data();
            assertEquals(cut.events().get(0).data().path("reply_message_id").asText(), completed.path("id").asText(),
                    "the same reply: " + completed);
            assertEquals("COMPLETED", completed.path("status").asText(), completed.toString());
            String reply = completed.path("content").asText();
            assertFalse(reply.isEmpty(), completed.toString());
            WorkerKilledMidReplyTest.assertOneExchange(LoopbackStack.messages(user, other, task), reply);

            JsonNode upstream = stack.provider().stats();
            assertEquals(2, upstream.path("requests").asInt(), "the cut stream and the retry: " + upstream);
            assertEquals(1, upstream.path("by_status").path("client_closed").asInt(), upstream.toString());
            assertEquals(1, upstream.path("by_status").path("200").asInt(), upstream.toString());
            Console.info("deltas before the kill: %d; the reply was stored %.1f s after it", cut.named("delta").size(),
                    recoverySeconds);
        }
    }

    /** Temporal, the simulator streaming at {@link #PER_TOKEN}; the logs of each test in its own folder. */
    static LoopbackStack slowlyStreamingStack(String name) throws Exception {
        LoopbackStack stack = LoopbackStack.start(ROOT, LOGS.resolve(name), FIRST_TOKEN);
        try {
            stack.provider().configure("{\"latency\":{\"per_token_ms\":" + PER_TOKEN.toMillis() + "}}");
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    /** The test's message, streamed once through {@code agent} with its key. */
    static Frontend.Streamed stream(Frontend user, SurgeProcesses.Service agent, String task,
            Consumer<Frontend.Event> onEvent) {
        try {
            return user.stream(agent.url(), task, "hello", "key-1", onEvent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
