package dev.surge.agent;

/**
 * A user message and the assistant's reply to it: the result of one {@code sendMessage} update.
 *
 * @param userMessage the message the user sent
 * @param reply       the reply, COMPLETED or FAILED
 */
public record Exchange(Message userMessage, Message reply) {
}
