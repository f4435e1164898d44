package dev.surge.agent.workflow;

import java.time.Instant;
import java.util.List;

import dev.surge.agent.Exchange;
import dev.surge.agent.GenerationParams;
import dev.surge.agent.Message;
import dev.surge.agent.Owner;

/**
 * Start argument of a conversation run. The first run gets empty lists; a run that continues as new
 * passes on what the next one needs.
 *
 * @param taskId          the task (workflow) id
 * @param agent           the agent name
 * @param params          per-task generation overrides
 * @param createdAt       when the task was created
 * @param settings        limits and retry numbers
 * @param context         the last messages of earlier runs, sent to the model as context
 * @param priorRunIds     run ids of earlier runs, oldest first; their messages stay queryable there
 * @param recentExchanges the last handled exchanges, so a retried update id is answered without a
 *                        second LLM call even after continue-as-new
 * @param nextSeq         sequence number of the next message
 * @param owner           who the task belongs to; null for tasks started before owners existed, which nobody owns
 * @param nextEventId     id of the next durable event ({@link EventMark}); 0 in runs started before events had ids
 */
public record ConversationInput(String taskId, String agent, GenerationParams params, Instant createdAt,
        ConversationSettings settings, List<Message> context, List<String> priorRunIds,
        List<Exchange> recentExchanges, long nextSeq, Owner owner, long nextEventId) {

    /** The input of a new conversation. */
    public static ConversationInput start(String taskId, String agent, GenerationParams params, Instant createdAt,
            ConversationSettings settings, Owner owner) {
        return new ConversationInput(taskId, agent, params, createdAt, settings, List.of(), List.of(), List.of(), 1,
                owner, 1);
    }
}
