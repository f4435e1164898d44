package dev.surge.agent;

/**
 * State of one message: user messages are COMPLETED when recorded, replies start PENDING, and end COMPLETED, FAILED or
 * INTERRUPTED (stopped by the owner, with the text written until then, if any).
 */
public enum MessageStatus {
    PENDING,
    COMPLETED,
    FAILED,
    INTERRUPTED
}
