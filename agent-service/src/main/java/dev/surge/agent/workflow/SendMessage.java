package dev.surge.agent.workflow;

/**
 * Argument of the {@code sendMessage} update.
 *
 * @param messageId id of the user message (derived from the idempotency key)
 * @param replyId   id of the assistant reply
 * @param content   the user's text
 */
public record SendMessage(String messageId, String replyId, String content) {
}
