package dev.surge.agent.client;

/**
 * One OpenAI chat message.
 *
 * @param role    system, user or assistant
 * @param content the text
 */
public record ChatMessage(String role, String content) {
}
