package dev.surge.agent.service;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.surge.agent.Message;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import dev.surge.agent.Task;
import dev.surge.agent.TaskStatus;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.workflow.ConversationView;

/**
 * Events of a task, derived by polling its workflow (status and {@code history} query) rather than
 * from this replica's memory: a subscriber sees every change whichever replica (or worker) made it.
 * The cost is one describe and one query per subscriber and poll interval, each under the Temporal
 * call deadline; subscriptions are bounded per owner and in all by {@link Quotas}.
 */
@ApplicationScoped
public class TaskEvents {

    private static final Logger LOG = Logger.getLogger(TaskEvents.class);

    private final ConversationService conversations;
    private final SurgeConfig config;
    private final Quotas quotas;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "task-events");
        thread.setDaemon(true);
        return thread;
    });

    public TaskEvents(ConversationService conversations, SurgeConfig config, Quotas quotas) {
        this.conversations = conversations;
        this.config = config;
        this.quotas = quotas;
    }

    /**
     * Sends the caller's task, then each change of it, to {@code subscriber} until the task ends, the
     * subscriber returns false, or {@code connected} turns false (checked at every poll, so a subscriber
     * that went away frees its stream quota even when nothing happens).
     *
     * @throws ConversationException when the task is not the caller's, or a stream quota is spent
     */
    public void follow(Owner owner, String taskId, BooleanSupplier connected, Predicate<TaskEvent> subscriber,
            Runnable onEnd) {
        ConversationView view = conversations.view(owner, taskId);
        Task task = ConversationService.task(taskId, conversations.status(owner, taskId), view);
        Runnable slot = quotas.openStream(owner);
        Runnable end = () -> {
            slot.run();
            onEnd.run();
        };
        Map<String, MessageStatus> seen = new HashMap<>();
        view.messages().forEach(m -> seen.put(m.id(), m.status()));
        if (!subscriber.test(new TaskEvent("task", task))) {
            end.run();
            return;
        }
        AtomicReference<ScheduledFuture<?>> poll = new AtomicReference<>();
        long interval = config.conversation().streamPollInterval().toMillis();
        poll.set(scheduler.scheduleWithFixedDelay(() -> {
            boolean go;
            try {
                go = connected.getAsBoolean() && poll(owner, taskId, seen, subscriber);
            } catch (RuntimeException e) {
                LOG.debugf(e, "stopped following task %s", taskId);
                go = false;
            }
            if (!go) {
                poll.get().cancel(false);
                end.run();
            }
        }, interval, interval, TimeUnit.MILLISECONDS));
    }

    private boolean poll(Owner owner, String taskId, Map<String, MessageStatus> seen,
            Predicate<TaskEvent> subscriber) {
        TaskStatus status = conversations.status(owner, taskId);
        ConversationView view = conversations.view(owner, taskId);
        for (Message message : view.messages()) {
            MessageStatus before = seen.put(message.id(), message.status());
            if (before != message.status() && !subscriber.test(new TaskEvent(eventName(message, before), message))) {
                return false;
            }
        }
        if (status != TaskStatus.RUNNING) {
            subscriber.test(new TaskEvent("task.ended", ConversationService.task(taskId, status, view)));
            return false;
        }
        return true;
    }

    private static String eventName(Message message, MessageStatus before) {
        if (before == null && (message.status() == MessageStatus.PENDING || Message.USER.equals(message.role()))) {
            return "message.created";
        }
        return message.status() == MessageStatus.FAILED ? "message.failed" : "message.completed";
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
