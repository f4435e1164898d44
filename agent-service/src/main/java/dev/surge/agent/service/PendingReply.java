package dev.surge.agent.service;

import io.temporal.client.WorkflowUpdateHandle;

import dev.surge.agent.Exchange;

/**
 * A message accepted by its conversation whose reply may not be ready yet.
 *
 * @param taskId        the task
 * @param content       the content the caller sent (a reply to other content means the key was reused)
 * @param userMessageId id of the user message
 * @param replyId       id of the reply to poll
 * @param handle        the Temporal update handle to wait on
 */
public record PendingReply(String taskId, String content, String userMessageId, String replyId,
        WorkflowUpdateHandle<Exchange> handle) {
}
