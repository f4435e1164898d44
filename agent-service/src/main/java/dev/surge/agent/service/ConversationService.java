package dev.surge.agent.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.agent.Exchange;
import dev.surge.agent.GenerationParams;
import dev.surge.agent.Message;
import dev.surge.agent.MessagePage;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import dev.surge.agent.Task;
import dev.surge.agent.TaskStatus;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.service.ConversationException.Reason;
import dev.surge.agent.workflow.ConversationInput;
import dev.surge.agent.workflow.ConversationSettings;
import dev.surge.agent.workflow.ConversationView;
import dev.surge.agent.workflow.ConversationWorkflow;
import dev.surge.agent.workflow.LlmRetrySettings;
import dev.surge.agent.workflow.MessageRejection;
import dev.surge.agent.workflow.SendMessage;
import dev.surge.agent.workflow.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.temporal.failure.ApplicationFailure;

/**
 * Tasks and their messages, on top of conversation workflows.
 * <p>
 * Temporal is the only place state lives: the task status comes from the workflow execution, the
 * messages from the workflow's {@code history} query, idempotency from update ids, the owner from the
 * workflow's memo and input. Any replica can serve any request. Every call takes the caller: a task of
 * anyone else answers exactly like an unknown one ({@link TaskAccess}).
 */
@ApplicationScoped
public class ConversationService {

    /** Longest accepted {@code Idempotency-Key}, in characters. */
    public static final int MAX_KEY_LENGTH = 255;

    private final WorkflowClient client;
    private final SurgeConfig config;
    private final TaskAccess access;
    private final TemporalCalls calls;
    private final Quotas quotas;
    private final OwnerDirectories directories;

    public ConversationService(WorkflowClient client, SurgeConfig config, TaskAccess access, TemporalCalls calls,
            Quotas quotas, OwnerDirectories directories) {
        this.client = client;
        this.config = config;
        this.access = access;
        this.calls = calls;
        this.quotas = quotas;
        this.directories = directories;
    }

    /** Starts a conversation of {@code owner} with the named agent (the default agent when null). */
    public Task create(Owner owner, String agent, GenerationParams params) {
        String name = agent == null || agent.isBlank() ? config.defaultAgent() : agent;
        SurgeConfig.Agent agentConfig = config.agents().get(name);
        if (agentConfig == null) {
            throw new ConversationException(Reason.INVALID_REQUEST, "unknown agent '" + name + "'; configured: "
                    + String.join(", ", config.agents().keySet()));
        }
        GenerationParams checked = params == null ? GenerationParams.NONE : params;
        validate(checked, agentConfig);
        quotas.takeTaskCreation(owner);
        String id = WorkflowIds.newTaskId();
        Instant createdAt = Instant.now();
        directories.open(owner, id, name, createdAt);
        ConversationWorkflow workflow = client.newWorkflowStub(ConversationWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(TaskAccess.workflowId(id))
                .setTaskQueue(config.temporal().taskQueue())
                .setMemo(Map.of(WorkflowIds.OWNER_MEMO, owner))
                .build());
        try {
            calls.run(() -> WorkflowClient.start(workflow::run,
                    ConversationInput.start(id, name, checked, createdAt, settings(), owner)));
        } catch (RuntimeException notStarted) {
            try {
                directories.close(owner, id);
            } catch (RuntimeException alsoFailed) {
                notStarted.addSuppressed(alsoFailed);
            }
            throw notStarted;
        }
        access.remember(id, owner);
        return new Task(id, name, TaskStatus.RUNNING, createdAt, 0);
    }

    /** The caller's task with its current status. */
    public Task get(Owner owner, String taskId) {
        TaskStatus status = status(access.describe(owner, taskId));
        return task(taskId, status, view(owner, taskId));
    }

    /** The task as its workflow's status and current run's view describe it. */
    public static Task task(String taskId, TaskStatus status, ConversationView view) {
        return new Task(taskId, view.agent(), status, view.createdAt(), view.messageCount());
    }

    /**
     * Hands a message to the caller's conversation and returns once the conversation accepted it. The
     * idempotency key (or a generated one) names the message; the Temporal update id is derived from the
     * owner, the task, the key and the content, so the same request twice yields the same reply and one
     * LLM call, while the same key with other content reaches the validator, which refuses it (422).
     */
    public PendingReply submit(Owner owner, String taskId, String content, String idempotencyKey) {
        return submit(owner, taskId, content, idempotencyKey, null);
    }

    /**
     * Hands a message to the caller's conversation as {@link #submit(Owner, String, String, String)} does, its reply
     * written on the task queue {@code streamTo} (this replica's, see {@code ReplyStreams}) when set.
     */
    public PendingReply submit(Owner owner, String taskId, String content, String idempotencyKey, String streamTo) {
        if (content == null || content.isBlank()) {
            throw new ConversationException(Reason.INVALID_REQUEST, "content must not be empty");
        }
        if (content.length() > config.messages().maxContentLength()) {
            throw new ConversationException(Reason.CONTENT_TOO_LONG,
                    "content is longer than " + config.messages().maxContentLength() + " characters");
        }
        validateKey(idempotencyKey);
        quotas.takeMessage(owner);
        String workflowId = access.require(owner, taskId);
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString()
                : idempotencyKey;
        SendMessage message = new SendMessage(messageId(taskId, key, "user"), replyId(taskId, key), content, owner,
                streamTo);
        String updateId = uuidOf(owner.key(), taskId, key, content);
        try {
            var handle = calls.call(() -> client.newUntypedWorkflowStub(workflowId).startUpdate(
                    UpdateOptions.newBuilder(Exchange.class)
                            .setUpdateName("sendMessage")
                            .setUpdateId(updateId)
                            .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                            .build(), message));
            return new PendingReply(taskId, content, message.messageId(), message.replyId(), handle);
        } catch (WorkflowUpdateException rejected) {
            throw rejection(taskId, rejected);
        } catch (WorkflowNotFoundException gone) {
            // No running workflow: the task has ended (or, describe tells, is not the caller's).
            access.describe(owner, taskId);
            throw new ConversationException(Reason.TASK_ENDED, "task " + taskId + " has ended");
        }
    }

    /**
     * The exchange of a pending reply, refused when it answers other content than the caller sent: the key was
     * used before for another message (a safeguard behind the validator, for updates deduplicated by id).
     */
    public Exchange checkSameContent(PendingReply pending, Exchange exchange) {
        if (!pending.content().equals(exchange.userMessage().content())) {
            throw keyReused();
        }
        return exchange;
    }

    /**
     * The reply, once ready within {@code wait}; empty when it is not ready by then. Nothing blocks
     * while waiting: the update result is long-polled asynchronously.
     */
    public CompletionStage<Optional<Exchange>> replyWithin(PendingReply pending, Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return pending.handle().getResultAsync(wait.toMillis(), TimeUnit.MILLISECONDS)
                .orTimeout(wait.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                .thenApply(exchange -> Optional.of(checkSameContent(pending, exchange)))
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException || cause instanceof WorkflowUpdateTimeoutOrCancelledException) {
                        return Optional.empty();
                    }
                    if (cause instanceof WorkflowUpdateException rejected) {
                        throw rejection(pending.taskId(), rejected);
                    }
                    if (cause instanceof ConversationException refused) {
                        throw refused;
                    }
                    throw new CompletionException(cause);
                });
    }

    /** Messages in order, after the message {@code after} (from the start when null), at most {@code limit}. */
    public MessagePage messages(Owner owner, String taskId, String after, Long limit) {
        if (limit != null && (limit < 1 || limit > config.messages().maxPageSize())) {
            throw new ConversationException(Reason.INVALID_REQUEST,
                    "limit must be between 1 and " + config.messages().maxPageSize());
        }
        int size = limit == null ? config.messages().defaultPageSize() : limit.intValue();
        ConversationView current = view(owner, taskId);
        boolean fromStart = after == null || after.isBlank();
        int inCurrent = fromStart ? (current.priorRunIds().isEmpty() ? 0 : -1) : indexAfter(current.messages(), after);
        if (inCurrent >= 0) {
            return page(current.messages().subList(inCurrent, current.messages().size()), size);
        }
        // The page starts in an earlier run: read the runs oldest first, and only until the page is full (one more
        // message tells whether there is more), since each query of a closed run replays that run's history.
        List<Message> page = new ArrayList<>();
        boolean collecting = fromStart;
        for (String runId : current.priorRunIds()) {
            collecting = collect(runView(taskId, runId).messages(), after, collecting, page, size + 1);
            if (page.size() > size) {
                return page(page, size);
            }
        }
        if (!collecting) {
            throw new ConversationException(Reason.INVALID_REQUEST, "unknown message '" + after + "'");
        }
        collect(current.messages(), after, true, page, size + 1);
        return page(page, size);
    }

    /**
     * Adds {@code messages} to {@code page} up to {@code max}, starting after the message {@code after} unless
     * already {@code collecting}; returns whether collecting is under way at the end.
     */
    private static boolean collect(List<Message> messages, String after, boolean collecting, List<Message> page,
            int max) {
        for (Message message : messages) {
            if (collecting && page.size() < max) {
                page.add(message);
            } else if (!collecting && message.id().equals(after)) {
                collecting = true;
            }
        }
        return collecting;
    }

    private static MessagePage page(List<Message> messages, int size) {
        return new MessagePage(List.copyOf(messages.subList(0, Math.min(size, messages.size()))),
                messages.size() > size);
    }

    /** One message, looked up in the current run first, then in earlier runs, newest first. */
    public Message message(Owner owner, String taskId, String messageId) {
        ConversationView current = view(owner, taskId);
        Optional<Message> found = find(current.messages(), messageId);
        for (int i = current.priorRunIds().size() - 1; found.isEmpty() && i >= 0; i--) {
            found = find(runView(taskId, current.priorRunIds().get(i)).messages(), messageId);
        }
        return found.orElseThrow(() -> new ConversationException(Reason.MESSAGE_NOT_FOUND,
                "task " + taskId + " has no message " + messageId));
    }

    /** Cancels the caller's conversation: the reply in flight is abandoned, the task becomes CANCELED. */
    public void cancel(Owner owner, String taskId) {
        requireRunning(owner, taskId);
        calls.run(() -> client.newUntypedWorkflowStub(TaskAccess.workflowId(taskId)).cancel());
    }

    /**
     * Stops the reply being written in the caller's conversation (the oldest one still pending): it becomes
     * INTERRUPTED with what was written of it, and the task stays open for the next message. Empty when no reply is
     * pending; asking again before the conversation has acted on it interrupts the same reply.
     */
    public Optional<Message> interrupt(Owner owner, String taskId) {
        requireRunning(owner, taskId);
        Optional<Message> writing = view(owner, taskId).messages().stream()
                .filter(m -> m.status() == MessageStatus.PENDING).findFirst();
        writing.ifPresent(reply -> calls.run(() -> client.newUntypedWorkflowStub(TaskAccess.workflowId(taskId))
                .signal("interrupt", reply.id())));
        return writing;
    }

    /** Ends the caller's conversation once the replies in flight are done; the task becomes COMPLETED. */
    public void end(Owner owner, String taskId) {
        requireRunning(owner, taskId);
        calls.run(() -> client.newUntypedWorkflowStub(TaskAccess.workflowId(taskId)).signal("end"));
    }

    /** The status of the caller's task, from its workflow execution. */
    public TaskStatus status(Owner owner, String taskId) {
        return status(access.describe(owner, taskId));
    }

    private static TaskStatus status(WorkflowExecutionDescription description) {
        WorkflowExecutionStatus status = description.getStatus();
        return switch (status) {
            case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> TaskStatus.RUNNING;
            case WORKFLOW_EXECUTION_STATUS_COMPLETED -> TaskStatus.COMPLETED;
            case WORKFLOW_EXECUTION_STATUS_CANCELED -> TaskStatus.CANCELED;
            default -> TaskStatus.FAILED;
        };
    }

    /** The current run's view of the caller's conversation. */
    public ConversationView view(Owner owner, String taskId) {
        String workflowId = access.require(owner, taskId);
        ConversationView view;
        try {
            view = calls.call(() -> client.newUntypedWorkflowStub(workflowId).query("history", ConversationView.class));
        } catch (WorkflowNotFoundException e) {
            throw TaskAccess.notFound(taskId);
        }
        if (!owner.equals(view.owner())) {
            throw TaskAccess.notFound(taskId);
        }
        return view;
    }

    /** An earlier run's view of a task already checked to be the caller's. */
    ConversationView earlierRun(String taskId, String runId) {
        return runView(taskId, runId);
    }

    private ConversationView runView(String taskId, String runId) {
        WorkflowStub stub = client.newUntypedWorkflowStub(TaskAccess.workflowId(taskId), Optional.of(runId),
                Optional.empty());
        return calls.call(() -> stub.query("history", ConversationView.class));
    }

    private void requireRunning(Owner owner, String taskId) {
        if (status(owner, taskId) != TaskStatus.RUNNING) {
            throw new ConversationException(Reason.TASK_ENDED, "task " + taskId + " has ended");
        }
    }

    /** Refuses generation parameters outside what the provider accepts or the agent allows. */
    private static void validate(GenerationParams params, SurgeConfig.Agent agent) {
        if (params.temperature() != null && !(params.temperature() >= 0 && params.temperature() <= 2)) {
            throw new ConversationException(Reason.INVALID_REQUEST, "params.temperature must be between 0 and 2");
        }
        if (params.topP() != null && !(params.topP() >= 0 && params.topP() <= 1)) {
            throw new ConversationException(Reason.INVALID_REQUEST, "params.top_p must be between 0 and 1");
        }
        if (params.maxTokens() != null && (params.maxTokens() < 1 || params.maxTokens() > agent.maxTokensCap())) {
            throw new ConversationException(Reason.INVALID_REQUEST,
                    "params.max_tokens must be between 1 and " + agent.maxTokensCap());
        }
    }

    /** Refuses an {@code Idempotency-Key} that is too long or holds control characters. */
    private static void validateKey(String key) {
        if (key == null) {
            return;
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new ConversationException(Reason.INVALID_REQUEST,
                    "Idempotency-Key must be at most " + MAX_KEY_LENGTH + " characters");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw new ConversationException(Reason.INVALID_REQUEST,
                    "Idempotency-Key must not contain control characters");
        }
    }

    private ConversationSettings settings() {
        SurgeConfig.Retry retry = config.llm().retry();
        return new ConversationSettings(
                new LlmRetrySettings(retry.maximumAttempts(), retry.initialInterval().toMillis(),
                        retry.backoffCoefficient(), retry.maximumInterval().toMillis()),
                config.llm().activityTimeout().toMillis(),
                config.conversation().contextMessages(),
                config.conversation().maxMessagesPerRun(),
                config.messages().maxContentLength(),
                config.conversation().idleTimeout().toMillis(),
                config.llm().heartbeatTimeout().toMillis(),
                config.stream().replicaPickupTimeout().toMillis());
    }

    private static ConversationException rejection(String taskId, WorkflowUpdateException rejected) {
        String message = rejected.getCause() instanceof ApplicationFailure failure ? failure.getOriginalMessage() : null;
        MessageRejection rejection = MessageRejection.of(message);
        String detail = rejection == null ? null : message.substring(rejection.name().length() + 1).trim();
        if (rejection == MessageRejection.CONTENT_TOO_LONG) {
            return new ConversationException(Reason.CONTENT_TOO_LONG, detail);
        }
        if (rejection == MessageRejection.INVALID_CONTENT) {
            return new ConversationException(Reason.INVALID_REQUEST, detail);
        }
        if (rejection == MessageRejection.NOT_OWNER) {
            return TaskAccess.notFound(taskId);
        }
        if (rejection == MessageRejection.KEY_REUSED) {
            return keyReused();
        }
        return new ConversationException(Reason.TASK_ENDED, "task " + taskId + " did not accept the message"
                + (message == null ? "" : ": " + message));
    }

    private static ConversationException keyReused() {
        return new ConversationException(Reason.KEY_REUSED,
                "this Idempotency-Key was already used for a message with other content; use a new key");
    }

    private static int indexAfter(List<Message> messages, String after) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).id().equals(after)) {
                return i + 1;
            }
        }
        return -1;
    }

    private static Optional<Message> find(List<Message> messages, String id) {
        return messages.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private static String messageId(String taskId, String key, String role) {
        return uuidOf(taskId, key, role);
    }

    /** The id of the reply to the message sent to {@code taskId} with the idempotency key {@code key}. */
    public static String replyId(String taskId, String key) {
        return messageId(taskId, key, "reply");
    }

    /** A name-based UUID of the parts, fixed length whatever their size (Temporal caps update ids at 1,000 bytes). */
    private static String uuidOf(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
