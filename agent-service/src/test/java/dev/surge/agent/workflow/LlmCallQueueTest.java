package dev.surge.agent.workflow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.surge.agent.MessageFailure;
import dev.surge.agent.client.ChatCompletionResponse;
import dev.surge.agent.client.ChatMessage;
import dev.surge.agent.client.GatewayException;
import io.smallrye.mutiny.Uni;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ApplicationFailure;

/** The order, the bound, the heartbeats, the budget and the shutdown of asynchronous LLM calls. */
class LlmCallQueueTest {

    private final List<String> started = new CopyOnWriteArrayList<>();
    private LlmCallQueue queue;

    @AfterEach
    void stop() {
        if (queue != null) {
            queue.stop();
        }
    }

    @Test
    void servesWaitingCallsInTheOrderTheirMessagesWereAcceptedNotTheOrderTheyArrived() {
        queue = new LlmCallQueue(1, Duration.ofMinutes(1), Duration.ofSeconds(1));
        Call first = new Call("first", 100);
        Call late = new Call("late", 300);
        Call early = new Call("early", 200);
        Call earliest = new Call("earliest", 50);
        queue.submit(first.pending);
        queue.submit(late.pending);
        queue.submit(early.pending);
        queue.submit(earliest.pending);
        assertEquals(List.of("first"), started, "one call in flight at a time");
        assertEquals(3, queue.waiting());

        first.answer("1");
        earliest.answer("2");
        early.answer("3");
        late.answer("4");

        assertEquals(List.of("first", "earliest", "early", "late"), started);
        await().atMost(Duration.ofSeconds(5)).until(() -> late.completion.result.isDone());
        assertEquals("1", first.completion.result.join());
        assertEquals(0, queue.running());
    }

    @Test
    void keepsAtMostTheConfiguredNumberOfCallsInFlight() {
        queue = new LlmCallQueue(2, Duration.ofMinutes(1), Duration.ofSeconds(1));
        Call a = new Call("a", 1);
        Call b = new Call("b", 2);
        Call c = new Call("c", 3);
        queue.submit(a.pending);
        queue.submit(b.pending);
        queue.submit(c.pending);

        assertEquals(List.of("a", "b"), started);
        assertEquals(2, queue.running());
        b.answer("done");
        assertEquals(List.of("a", "b", "c"), started);
    }

    @Test
    void abandonsACallWhoseCancellationWasRequestedAndFreesItsTurn() {
        queue = new LlmCallQueue(1, Duration.ofMillis(300), Duration.ofSeconds(1));
        Call cancelled = new Call("cancelled", 1);
        Call next = new Call("next", 2);
        cancelled.completion.cancelRequested.set(true);
        queue.submit(cancelled.pending);
        queue.submit(next.pending);

        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("next"));
        assertTrue(cancelled.subscriptionCancelled.get(), "the gateway call in flight is abandoned");
        await().atMost(Duration.ofSeconds(5)).until(() -> cancelled.completion.result.isDone());
        assertEquals(Call.CANCELLED, cancelled.completion.result.join());
    }

    @Test
    void heartbeatsWhatTheMessageSpentAndFailsWithoutRetryOnceTheBudgetIsSpent() {
        queue = new LlmCallQueue(1, Duration.ofMinutes(1), Duration.ofSeconds(1));
        Call partly = new Call("partly", 1, new LlmCallBudget(4, 1));
        queue.submit(partly.pending);
        partly.fail(new GatewayException(503, false, 2, "upstream_unavailable", "down", 2));

        ApplicationFailure retryable = partly.completion.failure();
        assertFalse(retryable.isNonRetryable(), "3 of 4 calls spent: Temporal may try once more");
        assertEquals(3, partly.completion.lastHeartbeat.get().upstreamCalls(), "the next attempt reads this");

        Call spent = new Call("spent", 2, new LlmCallBudget(4, 3));
        queue.submit(spent.pending);
        spent.fail(new GatewayException(503, false, 2, "upstream_unavailable", "down", 1));

        ApplicationFailure last = spent.completion.failure();
        assertTrue(last.isNonRetryable(), "4 of 4 calls spent");
        assertEquals(MessageFailure.UPSTREAM_CAPACITY, last.getType());
    }

    @Test
    void handsWaitingCallsBackOnShutdownAndLetsTheOneInFlightFinishWithinTheGrace() throws Exception {
        queue = new LlmCallQueue(1, Duration.ofMinutes(1), Duration.ofSeconds(5));
        Call inFlight = new Call("in-flight", 1);
        Call waiting = new Call("waiting", 2);
        queue.submit(inFlight.pending);
        queue.submit(waiting.pending);

        CompletableFuture<Void> drained = CompletableFuture.runAsync(queue::drain);
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting.completion.result.isDone());
        assertFalse(waiting.completion.failure().isNonRetryable(), "handed back: another instance retries it");
        assertFalse(drained.isDone(), "the call in flight still has its grace");

        inFlight.answer("finished in time");
        drained.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.completion.result.isDone());
        assertEquals("finished in time", inFlight.completion.result.join());
        assertEquals(List.of("in-flight"), started, "the waiting call never reached the gateway here");
    }

    @Test
    void handsBackACallStillInFlightWhenTheGraceRunsOut() {
        queue = new LlmCallQueue(1, Duration.ofMinutes(1), Duration.ofMillis(200));
        Call slow = new Call("slow", 1);
        queue.submit(slow.pending);

        queue.drain();

        await().atMost(Duration.ofSeconds(5)).until(() -> slow.completion.result.isDone());
        assertFalse(slow.completion.failure().isNonRetryable());
        assertTrue(slow.subscriptionCancelled.get());
    }

    @Test
    void completesARepliedCallWhileHeartbeatsHang()
            throws Exception {
        // Heartbeats every 100 ms; Temporal answers none of them until the gate opens.
        queue = new LlmCallQueue(21, Duration.ofMillis(300), Duration.ofSeconds(1));
        CountDownLatch gate = new CountDownLatch(1);
        List<Call> hanging = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Call call = new Call("hanging-" + i, i);
            call.completion.heartbeatGate = gate;
            hanging.add(call);
            queue.submit(call.pending);
        }
        Call replied = new Call("replied", 100);
        queue.submit(replied.pending);
        await().atMost(Duration.ofSeconds(5)).until(() -> replied.answer.get() != null);
        Thread.sleep(500);

        // Before, completions and heartbeats shared four threads: the hanging heartbeats held them all and the reply
        // waited behind them.
        replied.answer("in time");
        await().atMost(Duration.ofSeconds(5)).until(() -> replied.completion.result.isDone());
        assertEquals("in time", replied.completion.result.join());
        gate.countDown();
    }

    /** One activity attempt: its gateway call answers when the test says so. */
    private final class Call {
        static final String CANCELLED = "<cancelled>";

        final FakeCompletion completion = new FakeCompletion();
        final AtomicReference<CompletableFuture<ChatCompletionResponse>> answer = new AtomicReference<>();
        final AtomicBoolean subscriptionCancelled = new AtomicBoolean();
        final PendingLlmCall pending;

        Call(String name, long acceptedAtMillis) {
            this(name, acceptedAtMillis, new LlmCallBudget(4, 0));
        }

        Call(String name, long acceptedAtMillis, LlmCallBudget budget) {
            Uni<ChatCompletionResponse> call = Uni.createFrom().deferred(() -> {
                started.add(name);
                CompletableFuture<ChatCompletionResponse> future = new CompletableFuture<>();
                answer.set(future);
                return Uni.createFrom().completionStage(future);
            }).onCancellation().invoke(() -> subscriptionCancelled.set(true));
            pending = new PendingLlmCall(completion, call, acceptedAtMillis, queue.nextArrival(), budget);
        }

        void answer(String content) {
            answer.get().complete(new ChatCompletionResponse("id", "m", List.of(
                    new ChatCompletionResponse.Choice(0, new ChatMessage("assistant", content), "stop")), null));
        }

        void fail(Throwable failure) {
            answer.get().completeExceptionally(failure);
            await().atMost(Duration.ofSeconds(5)).until(() -> completion.result.isDone());
        }
    }

    /** Records how the activity ended, as Temporal's local completion client would report it. */
    private static final class FakeCompletion implements ManualActivityCompletionClient {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final AtomicBoolean cancelRequested = new AtomicBoolean();
        final AtomicReference<LlmCallProgress> lastHeartbeat = new AtomicReference<>();
        /** When set, each heartbeat waits for it, as a call to an overloaded Temporal server does. */
        volatile CountDownLatch heartbeatGate;

        @Override
        public void complete(Object value) {
            result.complete(value);
        }

        @Override
        public void fail(Throwable failure) {
            result.complete(failure);
        }

        @Override
        public void recordHeartbeat(Object details) {
            CountDownLatch gate = heartbeatGate;
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            lastHeartbeat.set((LlmCallProgress) details);
            if (cancelRequested.get()) {
                throw new ActivityCanceledException();
            }
        }

        @Override
        public void reportCancellation(Object details) {
            result.complete(Call.CANCELLED);
        }

        ApplicationFailure failure() {
            return (ApplicationFailure) result.join();
        }
    }
}
