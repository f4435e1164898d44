package dev.surge.agent;

/** State of one message: user messages are COMPLETED when recorded, replies start PENDING. */
public enum MessageStatus {
    PENDING,
    COMPLETED,
    FAILED
}
