package dev.surge.agent.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.agent.Owner;
import dev.surge.agent.TaskPage;
import dev.surge.agent.TaskStatus;
import dev.surge.agent.TaskSummary;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.service.ConversationException.Reason;
import dev.surge.agent.workflow.OwnedTask;
import dev.surge.agent.workflow.WorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

/**
 * The caller's own tasks, read with one query of the owner's directory workflow (which every replica registers new
 * tasks with and every conversation reports its progress and end to), so it works the same on the embedded test
 * server and on a cluster, without a visibility store. Newest first, ordered by creation time then id; the cursor
 * names the last task of a page, so tasks created meanwhile never shift a later page (no gaps, no repeats).
 */
@ApplicationScoped
public class TaskListing {

    private static final Comparator<OwnedTask> NEWEST_FIRST = Comparator
            .comparing(OwnedTask::createdAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(OwnedTask::taskId, Comparator.reverseOrder());

    private final WorkflowClient client;
    private final TemporalCalls calls;
    private final SurgeConfig.TaskList config;

    public TaskListing(WorkflowClient client, TemporalCalls calls, SurgeConfig config) {
        this.client = client;
        this.calls = calls;
        this.config = config.taskList();
    }

    /**
     * A page of the owner's tasks, newest first, after {@code cursor} (from the newest when null), with the given
     * {@code status} and {@code agent} when set.
     */
    public TaskPage list(Owner owner, String status, String agent, Long limit, String cursor) {
        if (limit != null && (limit < 1 || limit > config.maxPageSize())) {
            throw new ConversationException(Reason.INVALID_REQUEST,
                    "limit must be between 1 and " + config.maxPageSize());
        }
        int size = limit == null ? config.defaultPageSize() : limit.intValue();
        TaskStatus wanted = status(status);
        OwnedTask after = cursor == null || cursor.isEmpty() ? null : decode(cursor);
        List<OwnedTask> candidates = new ArrayList<>();
        for (OwnedTask task : directory(owner)) {
            if ((wanted == null || task.shownStatus() == wanted)
                    && (agent == null || agent.isEmpty() || agent.equals(task.agent()))
                    && (after == null || NEWEST_FIRST.compare(task, after) > 0)) {
                candidates.add(task);
            }
        }
        candidates.sort(NEWEST_FIRST);
        boolean hasMore = candidates.size() > size;
        List<OwnedTask> page = candidates.subList(0, Math.min(size, candidates.size()));
        return new TaskPage(page.stream().map(TaskListing::summary).toList(), hasMore,
                hasMore ? encode(page.get(page.size() - 1)) : null);
    }

    private List<OwnedTask> directory(Owner owner) {
        try {
            OwnedTask[] tasks = calls.call(() -> client.newUntypedWorkflowStub(WorkflowIds.ofOwner(owner))
                    .query("tasks", OwnedTask[].class));
            return tasks == null ? List.of() : Arrays.asList(tasks);
        } catch (WorkflowNotFoundException noTaskYet) {
            return List.of();
        }
    }

    private static TaskSummary summary(OwnedTask task) {
        return new TaskSummary(task.taskId(), task.agent(), task.shownStatus(), task.createdAt(), task.messageCount(),
                task.lastActivity() == null ? task.createdAt() : task.lastActivity());
    }

    private static TaskStatus status(String status) {
        if (status == null || status.isEmpty()) {
            return null;
        }
        try {
            return TaskStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new ConversationException(Reason.INVALID_REQUEST, "status must be one of "
                    + Arrays.toString(TaskStatus.values()).replaceAll("[\\[\\]]", ""));
        }
    }

    /** The cursor after {@code task}: its creation time and id, opaque to callers. */
    private static String encode(OwnedTask task) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (task.createdAt() + " " + task.taskId()).getBytes(StandardCharsets.UTF_8));
    }

    private static OwnedTask decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int space = text.indexOf(' ');
            String taskId = text.substring(space + 1);
            if (space < 0 || WorkflowIds.ofTask(taskId).isEmpty()) {
                throw invalidCursor();
            }
            return OwnedTask.opened(taskId, null, Instant.parse(text.substring(0, space)));
        } catch (IllegalArgumentException | DateTimeParseException unreadable) {
            throw invalidCursor();
        }
    }

    private static ConversationException invalidCursor() {
        return new ConversationException(Reason.INVALID_REQUEST, "cursor is not one this API returned");
    }
}
