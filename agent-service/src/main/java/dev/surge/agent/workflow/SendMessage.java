package dev.surge.agent.workflow;

import dev.surge.agent.Owner;

/**
 * Argument of the {@code sendMessage} update.
 *
 * @param messageId id of the user message (derived from the idempotency key)
 * @param replyId   id of the assistant reply
 * @param content   the user's text
 * @param owner     the caller; the validator refuses anyone but the task's owner
 */
public record SendMessage(String messageId, String replyId, String content, Owner owner) {
}
