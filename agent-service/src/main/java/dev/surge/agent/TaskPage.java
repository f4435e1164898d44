package dev.surge.agent;

import java.util.List;

/**
 * One page of the caller's tasks, newest first.
 *
 * @param tasks      the tasks of this page
 * @param hasMore    whether older tasks follow
 * @param nextCursor pass as {@code cursor} for the next page; null when there is none
 */
public record TaskPage(List<TaskSummary> tasks, boolean hasMore, String nextCursor) {
}
