package dev.surge.agent.rest;

/**
 * Body of {@code POST /tasks/{id}/messages}.
 *
 * @param content the user's message
 */
public record PostMessageRequest(String content) {
}
