package dev.surge.agent.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
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
 * messages from the workflow's {@code history} query, idempotency from update ids. Any replica can
 * serve any request.
 */
@ApplicationScoped
public class ConversationService {

    private final WorkflowClient client;
    private final SurgeConfig config;

    public ConversationService(WorkflowClient client, SurgeConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Starts a conversation with the named agent (the default agent when null). */
    public Task create(String agent, GenerationParams params) {
        String name = agent == null || agent.isBlank() ? config.defaultAgent() : agent;
        if (!config.agents().containsKey(name)) {
            throw new ConversationException(Reason.INVALID_REQUEST, "unknown agent '" + name + "'; configured: "
                    + String.join(", ", config.agents().keySet()));
        }
        String id = UUID.randomUUID().toString();
        Instant createdAt = Instant.now();
        ConversationWorkflow workflow = client.newWorkflowStub(ConversationWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(config.temporal().taskQueue())
                .build());
        WorkflowClient.start(workflow::run, ConversationInput.start(id, name,
                params == null ? GenerationParams.NONE : params, createdAt, settings()));
        return new Task(id, name, TaskStatus.RUNNING, createdAt, 0);
    }

    /** The task with its current status. */
    public Task get(String taskId) {
        return task(taskId, status(taskId), view(taskId));
    }

    /** The task as its workflow's status and current run's view describe it. */
    public static Task task(String taskId, TaskStatus status, ConversationView view) {
        return new Task(taskId, view.agent(), status, view.createdAt(), view.messageCount());
    }

    /**
     * Hands a message to the conversation and returns once the conversation accepted it. The
     * idempotency key (or a generated one) is the Temporal update id, so the same key twice yields the
     * same reply and one LLM call.
     */
    public PendingReply submit(String taskId, String content, String idempotencyKey) {
        if (content == null || content.isBlank()) {
            throw new ConversationException(Reason.INVALID_REQUEST, "content must not be empty");
        }
        if (content.length() > config.messages().maxContentLength()) {
            throw new ConversationException(Reason.CONTENT_TOO_LONG,
                    "content is longer than " + config.messages().maxContentLength() + " characters");
        }
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString()
                : idempotencyKey;
        SendMessage message = new SendMessage(messageId(taskId, key, "user"), messageId(taskId, key, "reply"),
                content);
        try {
            var handle = client.newUntypedWorkflowStub(taskId).startUpdate(UpdateOptions.newBuilder(Exchange.class)
                    .setUpdateName("sendMessage")
                    .setUpdateId(key)
                    .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                    .build(), message);
            return new PendingReply(taskId, message.messageId(), message.replyId(), handle);
        } catch (WorkflowUpdateException rejected) {
            throw rejection(taskId, rejected);
        } catch (WorkflowNotFoundException gone) {
            // No running workflow: either the task never existed (status answers 404) or it has ended. Asked only
            // here, not before every update, to keep a message's hot path at one call to Temporal.
            status(taskId);
            throw new ConversationException(Reason.TASK_ENDED, "task " + taskId + " has ended");
        }
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
                .thenApply(Optional::of)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException || cause instanceof WorkflowUpdateTimeoutOrCancelledException) {
                        return Optional.empty();
                    }
                    if (cause instanceof WorkflowUpdateException rejected) {
                        throw rejection(pending.taskId(), rejected);
                    }
                    throw new CompletionException(cause);
                });
    }

    /** Messages in order, after the message {@code after} (from the start when null), at most {@code limit}. */
    public MessagePage messages(String taskId, String after, Integer limit) {
        int size = limit == null ? config.messages().defaultPageSize() : limit;
        if (size < 1 || size > config.messages().maxPageSize()) {
            throw new ConversationException(Reason.INVALID_REQUEST,
                    "limit must be between 1 and " + config.messages().maxPageSize());
        }
        ConversationView current = view(taskId);
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
    public Message message(String taskId, String messageId) {
        ConversationView current = view(taskId);
        Optional<Message> found = find(current.messages(), messageId);
        for (int i = current.priorRunIds().size() - 1; found.isEmpty() && i >= 0; i--) {
            found = find(runView(taskId, current.priorRunIds().get(i)).messages(), messageId);
        }
        return found.orElseThrow(() -> new ConversationException(Reason.MESSAGE_NOT_FOUND,
                "task " + taskId + " has no message " + messageId));
    }

    /** Cancels the conversation: the reply in flight is abandoned, the task becomes CANCELED. */
    public void cancel(String taskId) {
        requireRunning(taskId);
        client.newUntypedWorkflowStub(taskId).cancel();
    }

    /** Ends the conversation once the replies in flight are done; the task becomes COMPLETED. */
    public void end(String taskId) {
        requireRunning(taskId);
        client.newUntypedWorkflowStub(taskId).signal("end");
    }

    /** The status of the task, from its workflow execution. */
    public TaskStatus status(String taskId) {
        try {
            WorkflowExecutionStatus status = client.newUntypedWorkflowStub(taskId).describe().getStatus();
            return switch (status) {
                case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> TaskStatus.RUNNING;
                case WORKFLOW_EXECUTION_STATUS_COMPLETED -> TaskStatus.COMPLETED;
                case WORKFLOW_EXECUTION_STATUS_CANCELED -> TaskStatus.CANCELED;
                default -> TaskStatus.FAILED;
            };
        } catch (WorkflowNotFoundException e) {
            throw notFound(taskId);
        }
    }

    /** The current run's view of the conversation. */
    public ConversationView view(String taskId) {
        try {
            return client.newUntypedWorkflowStub(taskId).query("history", ConversationView.class);
        } catch (WorkflowNotFoundException e) {
            throw notFound(taskId);
        }
    }

    private ConversationView runView(String taskId, String runId) {
        WorkflowStub stub = client.newUntypedWorkflowStub(taskId, Optional.of(runId), Optional.empty());
        return stub.query("history", ConversationView.class);
    }

    private void requireRunning(String taskId) {
        if (status(taskId) != TaskStatus.RUNNING) {
            throw new ConversationException(Reason.TASK_ENDED, "task " + taskId + " has ended");
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
                config.llm().heartbeatTimeout().toMillis());
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
        return new ConversationException(Reason.TASK_ENDED, "task " + taskId + " did not accept the message"
                + (message == null ? "" : ": " + message));
    }

    private static ConversationException notFound(String taskId) {
        return new ConversationException(Reason.TASK_NOT_FOUND, "no task " + taskId);
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
        return UUID.nameUUIDFromBytes((taskId + '\n' + key + '\n' + role).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
