package dev.surge.agent.workflow;

import java.time.Instant;

import dev.surge.agent.TaskStatus;

/**
 * What a conversation reports to its owner's directory when a message arrives, a reply finishes and when it ends, so
 * that listing the owner's tasks is one query of the directory.
 *
 * @param taskId       the task id
 * @param status       RUNNING, or how the task ended
 * @param messageCount messages of the whole conversation so far
 * @param at           when it happened (workflow time)
 */
public record TaskActivity(String taskId, TaskStatus status, long messageCount, Instant at) {
}
