package dev.surge.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.surge.agent.Exchange;
import dev.surge.agent.GenerationParams;
import dev.surge.agent.Message;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/** Conversation workflow logic on the time-skipping test server, with a scripted LLM activity. */
class ConversationWorkflowTest {

    private static final String QUEUE = "test-conversations";
    private static final Owner OWNER = new Owner("acme", "alice");

    private TestWorkflowEnvironment env;
    private Worker worker;
    private WorkflowClient client;
    private ScriptedLlmActivities llm;

    @BeforeEach
    void setUp() {
        env = TestWorkflowEnvironment.newInstance();
        worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(ConversationWorkflowImpl.class, OwnerDirectoryImpl.class);
        client = env.getWorkflowClient();
        llm = new ScriptedLlmActivities(env::currentTimeMillis);
        worker.registerActivitiesImplementations(llm.asActivities());
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    @Test
    void retriesThreeTimesOneThenTwoSecondsApartThenMarksTheReplyFailed() {
        llm.then(request -> {
            throw ApplicationFailure.newFailure("gateway answered 429", MessageFailure.UPSTREAM_CAPACITY,
                    new LlmFailureDetails(429, 0));
        });
        WorkflowStub conversation = start("retries", 1000);

        Exchange exchange = send(conversation, "k1", "hello");

        List<Long> times = llm.attemptTimes();
        assertEquals(3, times.size());
        assertTrue(times.get(1) - times.get(0) >= 1_000, "first retry after at least 1 s");
        assertTrue(times.get(2) - times.get(1) >= 2_000, "second retry after at least 2 s");
        assertEquals(MessageStatus.FAILED, exchange.reply().status());
        assertEquals(MessageFailure.UPSTREAM_CAPACITY, exchange.reply().failure().type());
        assertEquals(429, exchange.reply().failure().upstreamStatus());
        assertEquals(MessageStatus.FAILED, history(conversation).messages().get(1).status());
    }

    @Test
    void attemptsANonRetryableFailureOnce() {
        llm.then(request -> {
            throw ApplicationFailure.newNonRetryableFailure("gateway answered 400", MessageFailure.REQUEST_REJECTED,
                    new LlmFailureDetails(400, 0));
        });
        WorkflowStub conversation = start("non-retryable", 1000);

        Exchange exchange = send(conversation, "k1", "hello");

        assertEquals(1, llm.attemptTimes().size());
        assertEquals(MessageFailure.REQUEST_REJECTED, exchange.reply().failure().type());
        assertEquals(400, exchange.reply().failure().upstreamStatus());
    }

    @Test
    void waitsForTheGatewaysRetryAfterBeforeTheNextAttempt() {
        llm.then(request -> {
            throw ApplicationFailure.newBuilder().setMessage("gateway answered 429").setType(
                    MessageFailure.UPSTREAM_CAPACITY).setNextRetryDelay(Duration.ofSeconds(7))
                    .setDetails(new LlmFailureDetails(429, 7)).build();
        }).then(request -> "hi there");
        WorkflowStub conversation = start("retry-after", 1000);

        Exchange exchange = send(conversation, "k1", "hello");

        List<Long> times = llm.attemptTimes();
        assertEquals(2, times.size());
        assertTrue(times.get(1) - times.get(0) >= 7_000, "retried after the 7 s Retry-After, not after 1 s");
        assertEquals("hi there", exchange.reply().content());
    }

    @Test
    void sameUpdateIdTwiceCallsTheModelOnce() {
        llm.then(request -> "reply " + request.messages().size());
        WorkflowStub conversation = start("idempotent", 1000);

        Exchange first = send(conversation, "same-key", "hello");
        Exchange second = send(conversation, "same-key", "hello");

        assertEquals(1, llm.attemptTimes().size());
        assertEquals(first, second);
        assertEquals(2, history(conversation).messages().size());
    }

    @Test
    void continueAsNewKeepsTheHistoryTheContextAndIdempotency() {
        llm.then(request -> "reply to " + request.messages().get(request.messages().size() - 1).content());
        WorkflowStub conversation = start("continue-as-new", 4);
        send(conversation, "k1", "one");
        send(conversation, "k2", "two");
        String firstRun = conversation.getExecution().getRunId();
        awaitNewRun(firstRun);

        Exchange third = send(client.newUntypedWorkflowStub("continue-as-new"), "k3", "three");
        Exchange again = send(client.newUntypedWorkflowStub("continue-as-new"), "k1", "one");

        ConversationView current = history(client.newUntypedWorkflowStub("continue-as-new"));
        assertEquals(List.of(firstRun), current.priorRunIds());
        assertEquals(6, current.messageCount());
        assertEquals(List.of("three", "reply to three"), current.messages().stream().map(Message::content).toList());
        assertEquals(5, third.userMessage().seq());
        ConversationView earlier = client.newUntypedWorkflowStub("continue-as-new",
                Optional.of(firstRun), Optional.empty()).query("history", ConversationView.class);
        assertEquals(List.of("one", "reply to one", "two", "reply to two"),
                earlier.messages().stream().map(Message::content).toList());
        assertEquals(5, llm.requests().get(2).messages().size(), "the new run still sends the earlier context");
        assertEquals("reply to one", again.reply().content());
        assertEquals(3, llm.attemptTimes().size(), "a key from the earlier run is not answered twice");
    }

    @Test
    void endedConversationRejectsNewMessagesAndCompletes() {
        llm.then(request -> "ok");
        WorkflowStub conversation = start("ended", 1000);
        send(conversation, "k1", "hello");

        conversation.signal("end");
        conversation.getResult(Void.class);

        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, conversation.describe().getStatus());
        assertEquals(2, history(conversation).messages().size());
    }

    @Test
    void validatorRejectsBlankContentBeforeItEntersTheHistory() {
        llm.then(request -> "ok");
        WorkflowStub conversation = start("blank", 1000);

        WorkflowUpdateException rejected = assertThrows(WorkflowUpdateException.class,
                () -> send(conversation, "k1", "  "));

        assertEquals(MessageRejection.INVALID_CONTENT,
                MessageRejection.of(((ApplicationFailure) rejected.getCause()).getOriginalMessage()));
        assertEquals(0, history(conversation).messageCount());
    }

    private WorkflowStub start(String id, int maxMessagesPerRun) {
        ConversationSettings settings = new ConversationSettings(LlmRetryPolicies.DEFAULT_SETTINGS, 60_000, 10,
                maxMessagesPerRun, 100, 0);
        ConversationWorkflow workflow = client.newWorkflowStub(ConversationWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
        env.start();
        WorkflowClient.start(workflow::run, ConversationInput.start(id, "default", GenerationParams.NONE,
                Instant.parse("2025-01-01T00:00:00Z"), settings, OWNER));
        return WorkflowStub.fromTyped(workflow);
    }

    private Exchange send(WorkflowStub conversation, String key, String content) {
        WorkflowUpdateHandle<Exchange> handle = conversation.startUpdate(UpdateOptions.newBuilder(Exchange.class)
                .setUpdateName("sendMessage").setUpdateId(key).setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(),
                new SendMessage(key + "-user", key + "-reply", content, OWNER));
        env.sleep(Duration.ofSeconds(30));
        return handle.getResult();
    }

    private ConversationView history(WorkflowStub conversation) {
        return conversation.query("history", ConversationView.class);
    }

    private void awaitNewRun(String firstRun) {
        for (int i = 0; i < 100; i++) {
            if (!firstRun.equals(client.newUntypedWorkflowStub("continue-as-new").describe().getExecution()
                    .getRunId())) {
                return;
            }
            env.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("the workflow did not continue as new");
    }
}
