package dev.surge.agent.workflow;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.agent.config.SurgeConfig;

/**
 * The callers connected to this replica who wait for a reply as it is written, by reply id. A streamed message's LLM
 * activity runs on this replica's own task queue ({@link #taskQueue()}, Temporal's worker-specific task queue
 * pattern), so the activity finds its caller's connection here and hands it the text in process; no other
 * infrastructure carries deltas between replicas.
 */
@ApplicationScoped
public class ReplyStreams {

    /** What a caller waiting for a reply is told while it is written. */
    public interface Listener {

        /** Text appended to the reply. */
        void delta(String text);

        /** The reply is being written again from the start (the previous attempt broke off): forget what was shown. */
        void restarted();
    }

    private final ConcurrentMap<String, Listener> listeners = new ConcurrentHashMap<>();
    private final String taskQueue;

    public ReplyStreams(SurgeConfig config) {
        this.taskQueue = config.temporal().taskQueue() + "-"
                + config.temporal().replicaId().orElseGet(() -> UUID.randomUUID().toString());
    }

    /** This replica's own task queue, where the LLM activities of the replies streamed to its callers run. */
    public String taskQueue() {
        return taskQueue;
    }

    /** Hands the text of reply {@code replyId} to {@code listener} as it is written; run the result to stop. */
    public Runnable listen(String replyId, Listener listener) {
        listeners.put(replyId, listener);
        return () -> listeners.remove(replyId, listener);
    }

    /** The caller waiting for reply {@code replyId} on this replica, if any. */
    Optional<Listener> listener(String replyId) {
        return replyId == null ? Optional.empty() : Optional.ofNullable(listeners.get(replyId));
    }
}
