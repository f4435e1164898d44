package dev.surge.agent.workflow;

import dev.surge.agent.Owner;

/**
 * Argument of the {@code sendMessage} update.
 *
 * @param messageId id of the user message (derived from the idempotency key)
 * @param replyId   id of the assistant reply
 * @param content   the user's text
 * @param owner     the caller; the validator refuses anyone but the task's owner
 * @param streamTo  task queue of the replica holding the caller's stream, where the reply's LLM activity runs so
 *                  that its text reaches the connection as it is written; null for a reply answered whole
 */
public record SendMessage(String messageId, String replyId, String content, Owner owner, String streamTo) {

    /** A message whose reply is answered whole. */
    public SendMessage(String messageId, String replyId, String content, Owner owner) {
        this(messageId, replyId, content, owner, null);
    }
}
