package dev.surge.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.surge.agent.Exchange;
import dev.surge.agent.GenerationParams;
import dev.surge.agent.Message;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
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
        env.start();
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

    @Test
    void refusesAnotherOwnerBeforeTheMessageEntersTheHistory() {
        WorkflowStub conversation = start("not-yours", 1000);

        WorkflowUpdateException rejected = assertThrows(WorkflowUpdateException.class, () -> conversation.startUpdate(
                UpdateOptions.newBuilder(Exchange.class).setUpdateName("sendMessage").setUpdateId("k1")
                        .setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(),
                new SendMessage("k1-user", "k1-reply", "hello", new Owner("acme", "mallory"))).getResult());

        assertEquals(MessageRejection.NOT_OWNER, rejectionOf(rejected));
        assertEquals(0, history(conversation).messageCount());
        assertEquals(0, llm.attemptTimes().size());
    }

    @Test
    void refusesAKeyReusedForOtherContent() {
        llm.then(request -> "ok");
        WorkflowStub conversation = start("reused", 1000);
        send(conversation, "k1", "Transfer 10 EUR to Alice");

        WorkflowUpdateException rejected = assertThrows(WorkflowUpdateException.class, () -> conversation.startUpdate(
                UpdateOptions.newBuilder(Exchange.class).setUpdateName("sendMessage").setUpdateId("another-update-id")
                        .setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(),
                new SendMessage("k1-user", "k1-reply", "Delete my account", OWNER)).getResult());

        assertEquals(MessageRejection.KEY_REUSED, rejectionOf(rejected));
        assertEquals(1, llm.attemptTimes().size());
        assertEquals(2, history(conversation).messageCount());
    }

    @Test
    void anIdleConversationEndsByItsTimerAndTellsItsOwnersDirectory() {
        llm.then(request -> "ok");
        WorkflowStub directory = startDirectory();
        open(directory, "idle", 5);
        WorkflowStub conversation = start("idle", 1000, Duration.ofHours(1));
        env.sleep(Duration.ofMinutes(50));
        send(conversation, "k1", "still here");
        env.sleep(Duration.ofMinutes(50));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, conversation.describe().getStatus(),
                "a message restarts the idle timer");

        conversation.getResult(Void.class);

        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, conversation.describe().getStatus());
        assertEquals(List.of(false), openFlags(directory));
    }

    @Test
    void eachMessageCostsItsOwnersDirectoryOneReportAndTheIdleTimerIsStartedOnce() {
        llm.then(request -> "first").then(request -> "second").then(request -> "third");
        WorkflowStub directory = startDirectory();
        open(directory, "reported", 5);
        WorkflowStub conversation = start("reported", 1000, Duration.ofHours(1));

        send(conversation, "k1", "one");
        send(conversation, "k2", "two");
        send(conversation, "k3", "three");

        List<EventType> events = client.fetchHistory("reported").getEvents().stream().map(HistoryEvent::getEventType)
                .toList();
        assertEquals(3, events.stream().filter(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED::equals)
                .count(), "one report per message, when its reply ends: " + events);
        assertEquals(1, events.stream().filter(EventType.EVENT_TYPE_TIMER_STARTED::equals).count(),
                "one idle timer for messages within one idle period: " + events);
        OwnedTask listed = List.of(directory.query("tasks", OwnedTask[].class)).get(0);
        assertEquals(6, listed.messageCount(), "the last report counts every message and reply");
    }

    @Test
    void aCancelledConversationTellsItsOwnersDirectory() {
        WorkflowStub directory = startDirectory();
        open(directory, "cancelled", 5);
        WorkflowStub conversation = start("cancelled", 1000);

        conversation.cancel();

        awaitUntil(() -> openFlags(directory).equals(List.of(false)));
        // The directory hears of the end before the conversation's own cancellation completes.
        awaitUntil(() -> conversation.describe().getStatus()
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    }

    @Test
    void theDirectoryRefusesTasksBeyondTheOwnersQuota() {
        WorkflowStub directory = startDirectory();
        open(directory, "first", 2);
        open(directory, "second", 2);

        WorkflowUpdateException refused = assertThrows(WorkflowUpdateException.class,
                () -> open(directory, "third", 2));
        directory.signal("taskEnded", "first");
        open(directory, "third", 2);

        assertTrue(((ApplicationFailure) refused.getCause()).getOriginalMessage()
                .startsWith(DirectoryRejection.TOO_MANY_OPEN_TASKS.name()));
        assertEquals(List.of(true, true, false), openFlags(directory));
    }

    private WorkflowStub startDirectory() {
        OwnerDirectory directory = client.newWorkflowStub(OwnerDirectory.class,
                WorkflowOptions.newBuilder().setWorkflowId(WorkflowIds.ofOwner(OWNER)).setTaskQueue(QUEUE).build());
        WorkflowClient.start(directory::run, OwnerDirectoryInput.EMPTY);
        return WorkflowStub.fromTyped(directory);
    }

    private static void open(WorkflowStub directory, String taskId, int maxOpen) {
        directory.startUpdate(UpdateOptions.newBuilder(Void.class).setUpdateName("openTask").setUpdateId(taskId)
                .setWaitForStage(WorkflowUpdateStage.COMPLETED).build(),
                new OpenTask(taskId, "default", Instant.parse("2025-01-01T00:00:00Z"), maxOpen)).getResult();
    }

    /** The directory's open flags, newest task first. */
    private static List<Boolean> openFlags(WorkflowStub directory) {
        return List.of(directory.query("tasks", OwnedTask[].class)).stream().map(OwnedTask::open).toList();
    }

    private void awaitUntil(BooleanSupplier condition) {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            env.sleep(Duration.ofMillis(100));
        }
        assertTrue(condition.getAsBoolean());
    }

    @Test
    void numbersItsEventsAcrossRunsSoAResumeReachesEarlierRuns() {
        llm.then(request -> "ok");
        WorkflowStub conversation = start("event-ids", 4);

        Exchange first = send(conversation, "k1", "first");
        send(conversation, "k2", "second");
        Exchange third = send(conversation, "k3", "third");

        ConversationView current = history(conversation);
        assertEquals(1, current.priorRunIds().size(), "the first two exchanges filled the first run");
        assertEquals(7, current.firstEventId());
        assertEquals(List.of(new EventMark(7, EventMark.CREATED, third.userMessage().id()),
                new EventMark(8, EventMark.CREATED, third.reply().id()),
                new EventMark(9, EventMark.COMPLETED, third.reply().id())), current.events());
        assertEquals(10, current.nextEventId());
        ConversationView earlier = client.newUntypedWorkflowStub("event-ids",
                Optional.of(current.priorRunIds().get(0)), Optional.empty()).query("history", ConversationView.class);
        assertEquals(1, earlier.firstEventId());
        assertEquals(List.of(new EventMark(1, EventMark.CREATED, first.userMessage().id()),
                new EventMark(2, EventMark.CREATED, first.reply().id()),
                new EventMark(3, EventMark.COMPLETED, first.reply().id())), earlier.events().subList(0, 3));
        assertEquals(6, earlier.events().size());
    }

    private static MessageRejection rejectionOf(WorkflowUpdateException rejected) {
        return MessageRejection.of(((ApplicationFailure) rejected.getCause()).getOriginalMessage());
    }

    private WorkflowStub start(String id, int maxMessagesPerRun) {
        return start(id, maxMessagesPerRun, Duration.ZERO);
    }

    private WorkflowStub start(String id, int maxMessagesPerRun, Duration idleTimeout) {
        ConversationSettings settings = new ConversationSettings(LlmRetryPolicies.DEFAULT_SETTINGS, 60_000, 10,
                maxMessagesPerRun, 100, idleTimeout.toMillis(), 0);
        ConversationWorkflow workflow = client.newWorkflowStub(ConversationWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
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
