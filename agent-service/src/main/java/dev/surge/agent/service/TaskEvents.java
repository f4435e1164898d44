package dev.surge.agent.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.surge.agent.Message;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import dev.surge.agent.TaskStatus;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.workflow.ConversationView;
import dev.surge.agent.workflow.EventMark;

/**
 * Events of a task, derived by polling its workflow (status and {@code history} query) rather than from this
 * replica's memory: a subscriber sees every change whichever replica (or worker) made it, and the events are
 * numbered by the conversation itself ({@link EventMark}), so a subscriber that reconnects after event N is sent
 * exactly the events after N, from any replica, after any restart. The cost is one describe and one query per
 * subscriber and poll interval, each under the Temporal call deadline; subscriptions are bounded per owner and in all
 * by {@link Quotas}.
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
     * Sends the caller's task events to {@code subscriber} until the task ends, the subscriber returns false, or
     * {@code connected} turns false (checked at every poll, so a subscriber that went away frees its stream quota even
     * when nothing happens). Without {@code after}, the first event is the task as it is now, numbered with the last
     * event it includes; with it, the first events are those after it. A keepalive goes out every
     * {@code surge.stream.keepalive}. Calls to {@code subscriber} never overlap.
     *
     * @throws ConversationException when the task is not the caller's, or a stream quota is spent
     */
    public void follow(Owner owner, String taskId, Long after, BooleanSupplier connected,
            Predicate<TaskEvent> subscriber, Runnable onEnd) {
        ConversationView view = conversations.view(owner, taskId);
        TaskStatus status = conversations.status(owner, taskId);
        Runnable slot = quotas.openStream(owner);
        Subscription subscription = new Subscription(owner, taskId, connected, subscriber, () -> {
            slot.run();
            onEnd.run();
        });
        if (after == null) {
            long head = view.nextEventId() - 1;
            subscription.lastSent = Math.max(0, head);
            if (!subscription.send(new TaskEvent(subscription.lastSent, "task",
                    ConversationService.task(taskId, status, view)))) {
                subscription.end();
                return;
            }
        } else {
            subscription.lastSent = after;
        }
        subscription.start(after == null ? config.conversation().streamPollInterval().toMillis() : 0);
    }

    /** The durable events after {@code after}, oldest first, reading earlier runs only when the gap reaches them. */
    private List<TaskEvent> eventsAfter(ConversationView current, String taskId, long after) {
        List<ConversationView> runs = new ArrayList<>(List.of(current));
        for (int i = current.priorRunIds().size() - 1; i >= 0 && runs.get(0).firstEventId() > after + 1; i--) {
            runs.add(0, conversations.earlierRun(taskId, current.priorRunIds().get(i)));
        }
        List<TaskEvent> events = new ArrayList<>();
        for (ConversationView run : runs) {
            for (EventMark mark : run.events() == null ? List.<EventMark>of() : run.events()) {
                if (mark.id() > after) {
                    run.messages().stream().filter(m -> m.id().equals(mark.messageId())).findFirst()
                            .ifPresent(message -> events.add(new TaskEvent(mark.id(), mark.type(),
                                    EventMark.CREATED.equals(mark.type()) ? asCreated(message) : message)));
                }
            }
        }
        return events;
    }

    /** A message as it was when it was recorded: a reply was PENDING, without text. */
    private static Message asCreated(Message message) {
        if (Message.USER.equals(message.role())) {
            return message;
        }
        return new Message(message.id(), message.seq(), message.role(), null, MessageStatus.PENDING, null,
                message.createdAt(), message.inReplyTo());
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }

    /** One subscriber's poll and keepalive timers, and the last event id it was sent. */
    private final class Subscription {

        private final Owner owner;
        private final String taskId;
        private final BooleanSupplier connected;
        private final Predicate<TaskEvent> subscriber;
        private final Runnable onEnd;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile ScheduledFuture<?> poll;
        private volatile ScheduledFuture<?> keepalive;
        private long lastSent;

        Subscription(Owner owner, String taskId, BooleanSupplier connected, Predicate<TaskEvent> subscriber,
                Runnable onEnd) {
            this.owner = owner;
            this.taskId = taskId;
            this.connected = connected;
            this.subscriber = subscriber;
            this.onEnd = onEnd;
        }

        void start(long firstPollMillis) {
            long interval = config.conversation().streamPollInterval().toMillis();
            long every = config.stream().keepalive().toMillis();
            keepalive = scheduler.scheduleAtFixedRate(() -> {
                if (!connected.getAsBoolean() || !send(TaskEvent.KEEPALIVE)) {
                    end();
                }
            }, every, every, TimeUnit.MILLISECONDS);
            poll = scheduler.scheduleWithFixedDelay(() -> {
                boolean go;
                try {
                    go = connected.getAsBoolean() && poll();
                } catch (RuntimeException e) {
                    LOG.debugf(e, "stopped following task %s", taskId);
                    go = false;
                }
                if (!go) {
                    end();
                }
            }, firstPollMillis, interval, TimeUnit.MILLISECONDS);
        }

        private boolean poll() {
            TaskStatus status = conversations.status(owner, taskId);
            ConversationView view = conversations.view(owner, taskId);
            for (TaskEvent event : eventsAfter(view, taskId, lastSent)) {
                if (!send(event)) {
                    return false;
                }
                lastSent = event.id();
            }
            if (status != TaskStatus.RUNNING) {
                // The end takes the id after the last event (1 for a task whose run predates event ids).
                long endId = Math.max(1, view.nextEventId());
                if (endId > lastSent) {
                    send(new TaskEvent(endId, "task.ended",
                            ConversationService.task(taskId, status, view)));
                }
                return false;
            }
            return true;
        }

        synchronized boolean send(TaskEvent event) {
            return !ended.get() && subscriber.test(event);
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                if (poll != null) {
                    poll.cancel(false);
                }
                if (keepalive != null) {
                    keepalive.cancel(false);
                }
                onEnd.run();
            }
        }
    }
}
