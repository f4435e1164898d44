package dev.surge.agent.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.surge.agent.Exchange;
import dev.surge.agent.Message;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.TaskStatus;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;

/**
 * A conversation as a long-lived workflow.
 * <p>
 * Messages are handled one at a time, in the order their updates were accepted (a ticket counter), so
 * each reply sees the previous one in its context. Continue-as-new: each run keeps only its own
 * messages; the next run receives the last {@code contextMessages} messages (for the model), the ids
 * of the earlier runs (whose {@code history} query still answers, so the full history stays
 * readable), and the last {@value #RECENT_EXCHANGES} exchanges (so a retried update id that Temporal
 * no longer dedupes across runs is still answered without a second LLM call). The input therefore
 * stays small whatever the length of the conversation.
 * <p>
 * Owned conversations (started with an owner) also end after {@code idleTimeoutMillis} without a message, by a
 * timer, and report their end (ended, idle or cancelled) to the owner's {@link OwnerDirectory}; from version 2 of
 * {@link #OWNER_MODEL} on they also report each arriving message and finished reply, and how they ended, so the
 * directory alone answers a listing of the owner's tasks. These came after conversations were already running, so
 * they sit behind {@link #OWNER_MODEL}: a history recorded before replays without them. From version 3 on a message
 * costs its owner's directory one report instead of two, and the idle timer is one timer per idle period rather than
 * one per message ({@link #ONE_REPORT_ONE_TIMER}).
 */
public class ConversationWorkflowImpl implements ConversationWorkflow {

    static final int RECENT_EXCHANGES = 100;
    /**
     * {@code Workflow.getVersion} change id of what owned conversations do for their owner: 1, the idle timer and the
     * report of the end to the owner's directory; 2, also the report of progress and of how the task ended.
     */
    static final String OWNER_MODEL = "owner-model";
    static final int PROGRESS_REPORTS = 2;
    /**
     * Version 3 of {@link #OWNER_MODEL}: one progress report per message, when its reply ends (it counts the user
     * message too), and one idle timer at a time, re-armed for what is left of the idle period when it fires. Before,
     * each message sent two reports and started two 24-hour timers that were never cancelled: every report costs the
     * conversation and the directory a workflow task each, and every timer stays outstanding in the Temporal server
     * until it fires.
     */
    static final int ONE_REPORT_ONE_TIMER = 3;
    /**
     * {@code Workflow.getVersion} change id of streamed replies: 1, each attempt is a new activity on the replica's
     * queue and a replica that stops heartbeating is given up at once ({@link #streamOnReplica}); before, Temporal
     * retried the one activity on that queue.
     */
    static final String STREAM_ATTEMPTS = "stream-attempts";

    private final ConversationInput input;
    private final ActivityOptions llmOptions;
    private final LlmActivities llm;
    private final List<Message> messages = new ArrayList<>();
    private final List<Message> context;
    private final Map<String, Exchange> recent = new LinkedHashMap<>();
    private long nextSeq;
    private long nextTicket;
    private long serving;
    private boolean ended;
    /** Counts messages arriving and replies finishing: the idle timer restarts whenever it moves. */
    private long activity;
    /** When {@link #activity} last moved (workflow time, epoch milliseconds); the idle period counts from here. */
    private long lastActivityMillis;
    /** Durable events of this run, numbered across runs, for clients that resume their event stream. */
    private final List<EventMark> events = new ArrayList<>();
    private final long firstEventId;
    private long nextEventId;
    /** Replies their owner stopped that have not ended yet. */
    private final Set<String> interrupts = new HashSet<>();
    /** The reply being written and the scope of its LLM call, which an interrupt cancels; null between replies. */
    private String replyInFlight;
    private CancellationScope callInFlight;
    /** The {@link #OWNER_MODEL} version of this run, read once by {@link #run}; null before. */
    private Integer ownerModel;

    @WorkflowInit
    public ConversationWorkflowImpl(ConversationInput input) {
        this.input = input;
        ActivityOptions.Builder options = ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMillis(input.settings().activityTimeoutMillis()))
                .setRetryOptions(LlmRetryPolicies.retryPolicy(input.settings().retry()));
        if (input.settings().heartbeatTimeoutMillis() > 0) {
            options.setHeartbeatTimeout(Duration.ofMillis(input.settings().heartbeatTimeoutMillis()));
        }
        this.llmOptions = options.build();
        this.llm = Workflow.newActivityStub(LlmActivities.class, llmOptions);
        this.context = new ArrayList<>(input.context());
        input.recentExchanges().forEach(exchange -> recent.put(exchange.userMessage().id(), exchange));
        this.nextSeq = input.nextSeq();
        this.firstEventId = Math.max(1, input.nextEventId());
        this.nextEventId = firstEventId;
    }

    @Override
    public void run(ConversationInput input) {
        ownerModel = input.owner() == null ? Workflow.DEFAULT_VERSION
                : Workflow.getVersion(OWNER_MODEL, Workflow.DEFAULT_VERSION, ONE_REPORT_ONE_TIMER);
        boolean owned = ownerModel >= 1;
        try {
            long idleMillis = input.settings().idleTimeoutMillis();
            if (owned && idleMillis > 0 && ownerModel >= ONE_REPORT_ONE_TIMER) {
                awaitEndOrIdlePeriod(idleMillis);
            } else if (owned && idleMillis > 0) {
                awaitEndOrIdle(Duration.ofMillis(idleMillis));
            } else {
                Workflow.await(() -> ended || shouldContinueAsNew());
            }
            Workflow.await(Workflow::isEveryHandlerFinished);
        } catch (CanceledFailure cancelled) {
            if (owned) {
                Workflow.newDetachedCancellationScope(() -> reportEnd(TaskStatus.CANCELED)).run();
            }
            throw cancelled;
        }
        if (!ended) {
            Workflow.continueAsNew(ContinueAsNewOptions.newBuilder()
                    // The memo is what a describe reads the owner from; set it again rather than rely on inheritance.
                    .setMemo(input.owner() == null ? null : Map.of(WorkflowIds.OWNER_MEMO, input.owner()))
                    .build(), nextRunInput());
        } else if (owned) {
            reportEnd(TaskStatus.COMPLETED);
        }
    }

    /**
     * Waits for the end, continue-as-new, or for {@code idleMillis} without activity and no reply in flight (ends it),
     * with one timer at a time: when it fires after a message came, the next one covers only what is left of the
     * idle period counted from that message.
     */
    private void awaitEndOrIdlePeriod(long idleMillis) {
        lastActivityMillis = Math.max(lastActivityMillis, Workflow.currentTimeMillis());
        while (!ended && !shouldContinueAsNew()) {
            long left = lastActivityMillis + idleMillis - Workflow.currentTimeMillis();
            if (left > 0) {
                Workflow.await(Duration.ofMillis(left), () -> ended || shouldContinueAsNew());
            } else if (Workflow.isEveryHandlerFinished()) {
                ended = true;
            } else {
                // Idle for the whole period with a reply still being written: a new period starts when it ends.
                long seen = activity;
                Workflow.await(() -> ended || shouldContinueAsNew() || activity != seen);
            }
        }
    }

    /** {@link #awaitEndOrIdlePeriod} before {@link #ONE_REPORT_ONE_TIMER}: a new timer each time activity moves. */
    private void awaitEndOrIdle(Duration idle) {
        while (!ended && !shouldContinueAsNew()) {
            long seen = activity;
            boolean woke = Workflow.await(idle, () -> ended || shouldContinueAsNew() || activity != seen);
            if (!woke && Workflow.isEveryHandlerFinished()) {
                ended = true;
            }
        }
    }

    /** Tells the owner's directory that this task no longer counts as open, and how it ended. */
    private void reportEnd(TaskStatus status) {
        OwnerDirectory directory = Workflow.newExternalWorkflowStub(OwnerDirectory.class,
                WorkflowIds.ofOwner(input.owner()));
        try {
            if (ownerModel >= PROGRESS_REPORTS) {
                directory.taskUpdated(new TaskActivity(input.taskId(), status, nextSeq - 1, now()));
            } else {
                directory.taskEnded(input.taskId());
            }
        } catch (SignalExternalWorkflowException | ApplicationFailure gone) {
            // No directory (it was terminated): nothing counts this task any more.
        }
    }

    /**
     * Tells the owner's directory the message count and the time of this change, without waiting: the signal goes
     * out with the workflow task, and a directory that is gone changes nothing here. {@code arrival}: a message has
     * just arrived; only runs started before {@link #ONE_REPORT_ONE_TIMER} report that (later ones count it in the
     * report of its reply).
     */
    private void reportProgress(boolean arrival) {
        if (ownerModel == null || ownerModel < PROGRESS_REPORTS || arrival && ownerModel >= ONE_REPORT_ONE_TIMER) {
            return;
        }
        OwnerDirectory directory = Workflow.newExternalWorkflowStub(OwnerDirectory.class,
                WorkflowIds.ofOwner(input.owner()));
        Async.procedure(directory::taskUpdated, new TaskActivity(input.taskId(), TaskStatus.RUNNING, nextSeq - 1,
                now())).exceptionally(directoryGone -> null);
    }

    private Instant now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }

    /** A message arrived or a reply finished: the idle period starts again. */
    private void touch() {
        activity++;
        lastActivityMillis = Workflow.currentTimeMillis();
    }

    @Override
    public void validateSendMessage(SendMessage message) {
        if (input.owner() == null || !input.owner().equals(message.owner())) {
            throw new IllegalArgumentException(MessageRejection.NOT_OWNER.message("no such task"));
        }
        Message known = find(message.messageId());
        if (known != null) {
            if (!Objects.equals(known.content(), message.content())) {
                throw new IllegalArgumentException(MessageRejection.KEY_REUSED.message(
                        "this Idempotency-Key was used for another message"));
            }
            return;
        }
        if (ended) {
            throw new IllegalStateException(MessageRejection.TASK_ENDED.message("the task has ended"));
        }
        if (message.content() == null || message.content().isBlank()) {
            throw new IllegalArgumentException(MessageRejection.INVALID_CONTENT.message("content must not be empty"));
        }
        if (message.content().length() > input.settings().maxContentLength()) {
            throw new IllegalArgumentException(MessageRejection.CONTENT_TOO_LONG.message(
                    "content is longer than " + input.settings().maxContentLength() + " characters"));
        }
    }

    @Override
    public Exchange sendMessage(SendMessage request) {
        Exchange known = recent.get(request.messageId());
        if (known != null) {
            return known;
        }
        if (find(request.messageId()) != null) {
            // The same message in flight under another update id (sent by a replica of another version): one reply.
            Workflow.await(() -> recent.containsKey(request.messageId()));
            return recent.get(request.messageId());
        }
        touch();
        Instant now = now();
        Message user = new Message(request.messageId(), nextSeq++, Message.USER, request.content(),
                MessageStatus.COMPLETED, null, now, null);
        Message pending = new Message(request.replyId(), nextSeq++, Message.ASSISTANT, null,
                MessageStatus.PENDING, null, now, user.id());
        messages.add(user);
        int replyIndex = messages.size();
        messages.add(pending);
        mark(EventMark.CREATED, user.id());
        mark(EventMark.CREATED, pending.id());
        reportProgress(true);

        long ticket = nextTicket++;
        Workflow.await(() -> serving == ticket);
        Message reply;
        try {
            reply = ask(user, pending, request.streamTo());
        } finally {
            serving++;
            touch();
        }
        messages.set(replyIndex, reply);
        mark(switch (reply.status()) {
            case COMPLETED -> EventMark.COMPLETED;
            case INTERRUPTED -> EventMark.INTERRUPTED;
            default -> EventMark.FAILED;
        }, reply.id());
        reportProgress(false);
        if (reply.status() == MessageStatus.COMPLETED
                || reply.status() == MessageStatus.INTERRUPTED && reply.content() != null) {
            remember(user);
            remember(reply);
        }
        Exchange exchange = new Exchange(user, reply);
        recent.put(user.id(), exchange);
        if (recent.size() > RECENT_EXCHANGES) {
            recent.remove(recent.keySet().iterator().next());
        }
        return exchange;
    }

    @Override
    public ConversationView history() {
        return new ConversationView(input.taskId(), input.agent(), input.createdAt(), ended, nextSeq - 1,
                List.copyOf(messages), input.priorRunIds(), input.owner(), List.copyOf(events), firstEventId,
                nextEventId);
    }

    @Override
    public void interrupt(String replyId) {
        boolean pending = messages.stream()
                .anyMatch(m -> m.id().equals(replyId) && m.status() == MessageStatus.PENDING);
        if (!pending) {
            return;
        }
        interrupts.add(replyId);
        if (replyId.equals(replyInFlight)) {
            callInFlight.cancel("interrupted by its owner");
        }
    }

    private void mark(String type, String messageId) {
        events.add(new EventMark(nextEventId++, type, messageId));
    }

    /** The user message with this id, handled or in flight, or null. */
    private Message find(String messageId) {
        Exchange exchange = recent.get(messageId);
        if (exchange != null) {
            return exchange.userMessage();
        }
        return messages.stream().filter(m -> m.id().equals(messageId)).findFirst().orElse(null);
    }

    @Override
    public void end() {
        ended = true;
    }

    /**
     * The reply to {@code user}. Streamed ({@code streamTo} set), the LLM activity runs on the task queue of the replica
     * holding the caller's connection; if that replica does not pick it up in time (it is gone), on the shared queue,
     * unstreamed. Either way the reply is recorded once, here.
     */
    private Message ask(Message user, Message pending, String streamTo) {
        if (interrupts.remove(pending.id())) {
            return pending.interrupted(null);
        }
        List<ChatTurn> turns = new ArrayList<>();
        context.forEach(m -> turns.add(new ChatTurn(m.role(), m.content())));
        turns.add(new ChatTurn(Message.USER, user.content()));
        CompletionRequest request = new CompletionRequest(input.agent(), input.params(), turns,
                user.createdAt().toEpochMilli(), pending.id());
        boolean streamed = streamTo != null && input.settings().streamPickupMillis() > 0;
        String[] text = new String[1];
        callInFlight = Workflow.newCancellationScope(() -> {
            CompletionRequest whole = request.whole();
            if (streamed && Workflow.getVersion(STREAM_ATTEMPTS, Workflow.DEFAULT_VERSION, 1) >= 1) {
                Streamed reply = streamOnReplica(streamTo, request);
                if (reply.text() != null) {
                    text[0] = reply.text();
                    return;
                }
                whole = request.streamedAttempt(0, reply.spentCalls()).whole();
            } else if (streamed) {
                try {
                    text[0] = streamingLlm(streamTo, llmOptions.getRetryOptions()).complete(request);
                    return;
                } catch (ActivityFailure failure) {
                    if (!(failure.getCause() instanceof TimeoutFailure timeout)
                            || timeout.getTimeoutType() != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
                        throw failure;
                    }
                }
            }
            text[0] = llm.complete(whole);
        });
        replyInFlight = pending.id();
        try {
            callInFlight.run();
            // A streamed call that was interrupted answers with the text it had written.
            return interrupts.remove(pending.id()) ? pending.interrupted(text[0]) : pending.completed(text[0]);
        } catch (ActivityFailure | CanceledFailure failure) {
            if (interrupts.remove(pending.id())) {
                return pending.interrupted(null);
            }
            if (failure instanceof ActivityFailure activity) {
                return pending.failed(reasonOf(activity));
            }
            throw (CanceledFailure) failure;
        } finally {
            replyInFlight = null;
            callInFlight = null;
        }
    }

    /**
     * A streamed reply written on the replica's queue {@code taskQueue}, under the LLM retry policy: each attempt is a
     * new activity there with a single try, so each has its own pickup timeout (Temporal's retries of one activity
     * would stay on the queue of a replica that died mid-reply, and the Temporal test server arms no schedule-to-start
     * timeout for a retry, so the reply would wait forever). A retryable failure (a broken stream, no capacity) is
     * tried again there after the policy's backoff, or the gateway's {@code Retry-After}; a timeout (the replica did
     * not pick the attempt up, stopped heartbeating, or overran) ends the streaming: the answer has no text and the
     * reply is then written on the shared queue, unstreamed.
     */
    private Streamed streamOnReplica(String taskQueue, CompletionRequest request) {
        LlmRetrySettings retry = input.settings().retry() == null ? LlmRetryPolicies.DEFAULT_SETTINGS
                : input.settings().retry();
        LlmActivities replica = streamingLlm(taskQueue, RetryOptions.newBuilder(llmOptions.getRetryOptions())
                .setMaximumAttempts(1).build());
        int spent = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                return new Streamed(replica.complete(request.streamedAttempt(attempt, spent)), spent);
            } catch (ActivityFailure failure) {
                if (failure.getCause() instanceof TimeoutFailure) {
                    return new Streamed(null, spent);
                }
                if (!(failure.getCause() instanceof ApplicationFailure app) || app.isNonRetryable()
                        || retry.maximumAttempts() > 0 && attempt >= retry.maximumAttempts()) {
                    throw failure;
                }
                if (app.getDetails().getSize() > 0) {
                    spent = Math.max(spent, app.getDetails().get(0, LlmFailureDetails.class).upstreamCalls());
                }
                Workflow.sleep(app.getNextRetryDelay() != null ? app.getNextRetryDelay() : backoff(retry, attempt));
            }
        }
    }

    /** The retry policy's delay after attempt {@code attempt} failed. */
    private static Duration backoff(LlmRetrySettings retry, int attempt) {
        double millis = retry.initialIntervalMillis() * Math.pow(retry.backoffCoefficient(), attempt - 1);
        return Duration.ofMillis((long) Math.min(millis, retry.maximumIntervalMillis()));
    }

    /** What the streamed attempts wrote: the reply, or null when the replica gave up; the upstream calls spent. */
    private record Streamed(String text, int spentCalls) {
    }

    /**
     * The LLM activities on a replica's own task queue, retried by {@code retry}. An interrupt waits for the activity,
     * which stops and answers with the text written so far (a cancellation's details would be lost: an activity with
     * a retry policy records no start event, and the SDK then reports a cancellation of its own, without them).
     */
    private LlmActivities streamingLlm(String taskQueue, RetryOptions retry) {
        return Workflow.newActivityStub(LlmActivities.class, ActivityOptions.newBuilder(llmOptions)
                .setTaskQueue(taskQueue)
                .setRetryOptions(retry)
                .setScheduleToStartTimeout(Duration.ofMillis(input.settings().streamPickupMillis()))
                .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
                .build());
    }

    private void remember(Message message) {
        context.add(message);
        while (context.size() > input.settings().contextMessages()) {
            context.remove(0);
        }
    }

    private boolean shouldContinueAsNew() {
        return Workflow.getInfo().isContinueAsNewSuggested()
                || messages.size() >= input.settings().maxMessagesPerRun();
    }

    private ConversationInput nextRunInput() {
        List<String> runs = new ArrayList<>(input.priorRunIds());
        runs.add(Workflow.getInfo().getRunId());
        return new ConversationInput(input.taskId(), input.agent(), input.params(), input.createdAt(),
                input.settings(), List.copyOf(context), runs, List.copyOf(recent.values()), nextSeq, input.owner(),
                nextEventId);
    }

    private static MessageFailure reasonOf(ActivityFailure failure) {
        Throwable cause = failure.getCause();
        if (cause instanceof ApplicationFailure app) {
            LlmFailureDetails details = app.getDetails().getSize() == 0 ? null
                    : app.getDetails().get(0, LlmFailureDetails.class);
            String type = MessageFailure.REQUEST_REJECTED.equals(app.getType())
                    || MessageFailure.UPSTREAM_CAPACITY.equals(app.getType()) ? app.getType() : MessageFailure.INTERNAL;
            return new MessageFailure(type, app.getOriginalMessage(),
                    details == null ? 0 : details.upstreamStatus(),
                    details == null ? 0 : details.retryAfterSeconds());
        }
        if (cause instanceof TimeoutFailure) {
            return new MessageFailure(MessageFailure.UPSTREAM_CAPACITY, "the LLM call timed out", 0, 0);
        }
        return new MessageFailure(MessageFailure.INTERNAL, cause == null ? failure.getMessage() : cause.getMessage(),
                0, 0);
    }
}
