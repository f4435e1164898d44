package dev.surge.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.surge.agent.Exchange;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessageStatus;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;

/**
 * A streamed reply whose replica dies after it started writing is written on the shared queue, unstreamed, and stored
 * once; a streamed attempt that fails for a retryable reason is written again on the replica, with what it spent.
 * On the Temporal test server, as the demo and the tests that kill processes run it.
 */
class ReplicaGoneMidStreamTest {

    private static final String QUEUE = StreamedConversations.QUEUE;
    private static final String REPLICA_QUEUE = StreamedConversations.REPLICA_QUEUE;
    private static final long HEARTBEAT_TIMEOUT_MILLIS = 2_000;

    private final List<CompletionRequest> onReplica = new CopyOnWriteArrayList<>();
    private final List<CompletionRequest> onShared = new CopyOnWriteArrayList<>();
    private TestWorkflowEnvironment env;
    private WorkerFactory replicaProcess;

    @BeforeEach
    void setUp() {
        env = TestWorkflowEnvironment.newInstance();
        Worker shared = env.newWorker(QUEUE);
        shared.registerWorkflowImplementationTypes(ConversationWorkflowImpl.class, OwnerDirectoryImpl.class);
        shared.registerActivitiesImplementations(llm(onShared, request -> "A whole reply."));
        env.start();
    }

    @AfterEach
    void tearDown() {
        if (replicaProcess != null) {
            replicaProcess.shutdownNow();
        }
        env.close();
    }

    @Test
    void aReplyWhoseReplicaDiesMidStreamIsWrittenOnTheSharedQueueOnce() throws Exception {
        CountDownLatch pickedUp = new CountDownLatch(1);
        startReplica(llm(onReplica, request -> {
            pickedUp.countDown();
            // Writes and heartbeats nothing more: its process is about to vanish.
            Activity.getExecutionContext().useLocalManualCompletion();
            return null;
        }));
        WorkflowUpdateHandle<Exchange> reply = send(start("replica-gone"), "k1");
        assertTrue(pickedUp.await(30, TimeUnit.SECONDS), "the replica picked the reply up");
        replicaProcess.shutdownNow();

        // Before each attempt became its own activity, Temporal retried the reply on the dead replica's queue, where
        // the test server never timed it out: the reply stayed PENDING.
        Exchange exchange = reply.getResultAsync().get(60, TimeUnit.SECONDS);
        assertEquals(MessageStatus.COMPLETED, exchange.reply().status());
        assertEquals("A whole reply.", exchange.reply().content());
        assertEquals(1, onReplica.size(), "one attempt on the replica: " + onReplica);
        assertEquals(1, onShared.size(), "one on the shared queue: " + onShared);
        assertNull(onShared.get(0).replyId(), "written unstreamed");
    }

    @Test
    void aStreamedAttemptThatFailsRetryablyIsWrittenAgainOnTheReplicaWithWhatItSpent() throws Exception {
        startReplica(llm(onReplica, request -> {
            if (onReplica.size() == 1) {
                throw ApplicationFailure.newFailure("the stream broke off", MessageFailure.UPSTREAM_CAPACITY,
                        new LlmFailureDetails(502, 0, 2));
            }
            return "Again, whole.";
        }));

        Exchange exchange = send(start("broken-stream"), "k1").getResultAsync().get(60, TimeUnit.SECONDS);

        assertEquals(MessageStatus.COMPLETED, exchange.reply().status());
        assertEquals("Again, whole.", exchange.reply().content());
        assertEquals(List.of(1, 2), onReplica.stream().map(CompletionRequest::attempt).toList());
        assertEquals(List.of(0, 2), onReplica.stream().map(CompletionRequest::spentCalls).toList(),
                "the second attempt starts with the calls the first spent");
        assertEquals(List.of(), onShared);
    }

    /** The replica's own worker, in a factory of its own so that it can vanish alone. */
    private void startReplica(LlmActivities activities) {
        replicaProcess = WorkerFactory.newInstance(env.getWorkflowClient());
        replicaProcess.newWorker(REPLICA_QUEUE).registerActivitiesImplementations(activities);
        replicaProcess.start();
    }

    private WorkflowUpdateHandle<Exchange> send(WorkflowStub conversation, String key) {
        return StreamedConversations.send(conversation, key);
    }

    private WorkflowStub start(String id) {
        return StreamedConversations.start(env.getWorkflowClient(), id, HEARTBEAT_TIMEOUT_MILLIS);
    }

    /**
     * An LLM activity that records each request in {@code calls} and answers with {@code answer}. A dynamic proxy, so
     * quarkus-temporal's scan does not find it.
     */
    private static LlmActivities llm(List<CompletionRequest> calls, Function<CompletionRequest, String> answer) {
        return (LlmActivities) Proxy.newProxyInstance(LlmActivities.class.getClassLoader(),
                new Class<?>[] { LlmActivities.class }, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "llm"
                                : method.getName().equals("hashCode") ? 0 : proxy == args[0];
                    }
                    CompletionRequest request = (CompletionRequest) args[0];
                    calls.add(request);
                    return answer.apply(request);
                });
    }
}
