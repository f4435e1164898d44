package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The launcher's Temporal test server drops the lock events temporal-test-server leaks, and keeps serving
 * conversations while it does. Real processes on loopback, as the demo starts them, with events kept 1 s instead of
 * 30 s so that the test sees them go.
 */
class TemporalTestServerTest {

    private static final Pattern PRUNED = Pattern.compile("lock events: dropped (\\d+), (\\d+) in all, (\\d+) kept");
    private static final int MESSAGES = 8;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void dropsTheLeakedLockEventsAndKeepsServingConversations() throws Exception {
        Path logs = WorkerKilledMidReplyTest.ROOT.resolve("load-test/target/temporal-test-server");
        try (LoopbackStack stack = LoopbackStack.start(WorkerKilledMidReplyTest.ROOT, logs, Duration.ZERO,
                List.of("-Dsurge.temporal.lock-events.keep=PT1S", "-Dsurge.temporal.lock-events.prune-every=PT1S"))) {
            SurgeProcesses.Service agent = stack.agentService("agent-service", List.of(stack.gateway("llm-gateway")),
                    Map.of());
            Frontend user = stack.user("user-1", Duration.ofSeconds(70));
            String task = user.createTask(agent::url, System.nanoTime() + Duration.ofSeconds(30).toNanos());

            for (int i = 0; i < MESSAGES; i++) {
                send(user, agent, task, i);
            }
            // Each message leaves a dozen events behind for good without this workaround (workflow tasks, its
            // activity, the report to the owner's directory): at least four of them go within the deadline.
            long droppedBefore = awaitDropped(logs, MESSAGES * 4L);

            for (int i = MESSAGES; i < 2 * MESSAGES; i++) {
                send(user, agent, task, i);
            }
            awaitDropped(logs, droppedBefore + MESSAGES * 4L);
            JsonNode messages = LoopbackStack.messages(user, agent, task);
            assertEquals(4 * MESSAGES, messages.size(), messages.toString());
            for (int i = 0; i < messages.size(); i++) {
                assertEquals(i % 2 == 0 ? "user" : "assistant", messages.get(i).path("role").asText());
                assertEquals("COMPLETED", messages.get(i).path("status").asText(), messages.get(i).toString());
            }
            // Idle, the list drains to what the last second added: without the workaround it would hold hundreds.
            awaitPrune(logs, prune -> Integer.parseInt(prune.group(3)) < MESSAGES, "kept fewer than " + MESSAGES);
        }
    }

    private static void send(Frontend user, SurgeProcesses.Service agent, String task, int i)
            throws InterruptedException {
        Frontend.Delivery delivery = user.deliver(agent::url, task, "message " + i, "key-" + i,
                Duration.ofSeconds(30), System.nanoTime() + Duration.ofSeconds(60).toNanos());
        assertEquals(200, delivery.answer().status(), delivery.toString());
    }

    /** Waits until the test server's log says at least {@code atLeast} events were dropped in all; answers that. */
    private static long awaitDropped(Path logs, long atLeast) throws Exception {
        return Long.parseLong(awaitPrune(logs, prune -> Long.parseLong(prune.group(2)) >= atLeast,
                "at least " + atLeast + " dropped in all").group(2));
    }

    /** Waits (at most 20 s) until the test server's last prune satisfies {@code condition}; answers it. */
    private static Matcher awaitPrune(Path logs, Predicate<Matcher> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Matcher last = lastPrune(logs);
            if (last != null && condition.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the test server's lock events were never " + what + "; its log: "
                        + Files.readString(logs.resolve("temporal.log")));
            }
            Thread.sleep(200);
        }
    }

    private static Matcher lastPrune(Path logs) throws Exception {
        Matcher found = null;
        for (String line : Files.readAllLines(logs.resolve("temporal.log"))) {
            Matcher matcher = PRUNED.matcher(line);
            if (matcher.find()) {
                found = matcher;
            }
        }
        return found;
    }
}
