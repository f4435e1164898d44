package dev.surge.agent;

import java.time.Instant;

/**
 * One message of a conversation.
 *
 * @param id        stable id, derived from the task id and the idempotency key of the POST
 * @param seq       position in the conversation, starting at 1
 * @param role      {@code user} or {@code assistant}
 * @param content   the text; null while a reply is pending or when it failed; what was written of an interrupted
 *                  reply, if anything
 * @param status    PENDING, COMPLETED, FAILED or INTERRUPTED
 * @param failure   why a reply failed, else null
 * @param createdAt when the message was recorded (workflow time)
 * @param inReplyTo for a reply, the id of the user message it answers
 */
public record Message(String id, long seq, String role, String content, MessageStatus status,
        MessageFailure failure, Instant createdAt, String inReplyTo) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    /** This reply, completed with the given content. */
    public Message completed(String text) {
        return new Message(id, seq, role, text, MessageStatus.COMPLETED, null, createdAt, inReplyTo);
    }

    /** This reply, stopped by its owner with the text written until then (null when none). */
    public Message interrupted(String partial) {
        return new Message(id, seq, role, partial, MessageStatus.INTERRUPTED, null, createdAt, inReplyTo);
    }

    /** This reply, failed for the given reason. */
    public Message failed(MessageFailure reason) {
        return new Message(id, seq, role, null, MessageStatus.FAILED, reason, createdAt, inReplyTo);
    }
}
