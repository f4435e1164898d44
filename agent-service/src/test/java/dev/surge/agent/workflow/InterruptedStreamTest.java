package dev.surge.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.surge.agent.Exchange;
import dev.surge.agent.MessageStatus;
import io.temporal.activity.Activity;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * An interrupted streamed reply keeps the text its activity reports with its cancellation, whichever queue the
 * reply ran on; a reply waiting for its turn is interrupted without an LLM call.
 */
class InterruptedStreamTest {

    private static final String QUEUE = StreamedConversations.QUEUE;
    private static final String REPLICA_QUEUE = StreamedConversations.REPLICA_QUEUE;

    private final AtomicInteger calls = new AtomicInteger();
    private TestWorkflowEnvironment env;
    private WorkflowClient client;

    @BeforeEach
    void setUp() {
        env = TestWorkflowEnvironment.newInstance();
        Worker shared = env.newWorker(QUEUE);
        shared.registerWorkflowImplementationTypes(ConversationWorkflowImpl.class, OwnerDirectoryImpl.class);
        Worker replica = env.newWorker(REPLICA_QUEUE);
        replica.registerActivitiesImplementations(writesUntilCancelled("Once upon"));
        client = env.getWorkflowClient();
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    @Test
    void anInterruptedStreamedReplyKeepsTheTextWrittenSoFar() throws Exception {
        WorkflowStub conversation = start("interrupted-stream");
        WorkflowUpdateHandle<Exchange> reply = send(conversation, "k1");
        Thread.sleep(1_000);

        conversation.signal("interrupt", "k1-reply");

        Exchange exchange = reply.getResultAsync().get(30, TimeUnit.SECONDS);
        assertEquals(MessageStatus.INTERRUPTED, exchange.reply().status());
        assertEquals("Once upon", exchange.reply().content());
    }

    @Test
    void aReplyWaitingForItsTurnIsInterruptedWithoutAnLlmCall() throws Exception {
        WorkflowStub conversation = start("interrupted-in-line");
        WorkflowUpdateHandle<Exchange> writing = send(conversation, "k1");
        WorkflowUpdateHandle<Exchange> waiting = send(conversation, "k2");
        Thread.sleep(1_000);

        conversation.signal("interrupt", "k2-reply");
        conversation.signal("interrupt", "k1-reply");

        assertEquals(MessageStatus.INTERRUPTED, writing.getResultAsync().get(30, TimeUnit.SECONDS).reply().status());
        Exchange skipped = waiting.getResultAsync().get(30, TimeUnit.SECONDS);
        assertEquals(MessageStatus.INTERRUPTED, skipped.reply().status());
        assertEquals(null, skipped.reply().content());
        assertEquals(1, calls.get(), "only the reply being written reached the model");
    }

    private WorkflowUpdateHandle<Exchange> send(WorkflowStub conversation, String key) {
        return StreamedConversations.send(conversation, key);
    }

    private WorkflowStub start(String id) {
        return StreamedConversations.start(client, id, 10_000);
    }

    /**
     * An LLM activity that has written {@code text} and goes on until it is cancelled, then answers with the text, as
     * {@code PendingLlmCall} does for a streamed reply. A dynamic proxy, so quarkus-temporal's scan does not find it.
     */
    private LlmActivities writesUntilCancelled(String text) {
        return (LlmActivities) Proxy.newProxyInstance(LlmActivities.class.getClassLoader(),
                new Class<?>[] { LlmActivities.class }, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "writesUntilCancelled"
                                : method.getName().equals("hashCode") ? 0 : proxy == args[0];
                    }
                    calls.incrementAndGet();
                    ManualActivityCompletionClient completion = Activity.getExecutionContext()
                            .useLocalManualCompletion();
                    CompletableFuture.runAsync(() -> {
                        while (true) {
                            try {
                                Thread.sleep(200);
                                completion.recordHeartbeat(null);
                            } catch (ActivityCompletionException e) {
                                if (e instanceof ActivityCanceledException
                                        || e.getCause() instanceof ActivityCanceledException) {
                                    completion.complete(text);
                                }
                                return;
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    return null;
                });
    }
}
