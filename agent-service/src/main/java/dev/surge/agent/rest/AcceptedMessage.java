package dev.surge.agent.rest;

/**
 * Answer of {@code POST /tasks/{id}/messages} when the reply is not ready yet (202), and data of the
 * {@code accepted} SSE event.
 *
 * @param taskId         the task
 * @param userMessageId  id of the user message
 * @param replyMessageId id of the reply to poll at {@code GET /tasks/{id}/messages/{replyMessageId}}
 */
public record AcceptedMessage(String taskId, String userMessageId, String replyMessageId) {
}
