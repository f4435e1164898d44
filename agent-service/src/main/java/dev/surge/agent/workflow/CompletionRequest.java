package dev.surge.agent.workflow;

import java.util.List;

import dev.surge.agent.GenerationParams;

/**
 * Argument of {@link LlmActivities#complete}: the activity resolves the agent's model and system
 * prompt from configuration.
 *
 * @param agent            the agent name
 * @param params           per-task generation overrides
 * @param messages         the conversation context, oldest first, ending with the new user message
 * @param acceptedAtMillis when the conversation accepted the user message (workflow time): waiting calls are
 *                         served in this order, across conversations; 0 in histories recorded before it existed
 * @param replyId          the reply, when its text is to be streamed to a caller connected to the replica that runs
 *                         the activity ({@link ReplyStreams}); null for a reply answered whole
 */
public record CompletionRequest(String agent, GenerationParams params, List<ChatTurn> messages,
        long acceptedAtMillis, String replyId) {

    /** This request, answered whole. */
    public CompletionRequest whole() {
        return new CompletionRequest(agent, params, messages, acceptedAtMillis, null);
    }
}
