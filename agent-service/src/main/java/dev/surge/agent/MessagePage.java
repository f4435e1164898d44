package dev.surge.agent;

import java.util.List;

/**
 * One page of a conversation's messages.
 *
 * @param messages the messages, in order
 * @param hasMore  whether more messages follow the last one
 */
public record MessagePage(List<Message> messages, boolean hasMore) {
}
