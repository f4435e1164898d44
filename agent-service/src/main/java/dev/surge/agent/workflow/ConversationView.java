package dev.surge.agent.workflow;

import java.time.Instant;
import java.util.List;

import dev.surge.agent.Message;
import dev.surge.agent.Owner;

/**
 * What the {@code history} query returns for one run.
 *
 * @param taskId       the task id
 * @param agent        the agent name
 * @param createdAt    when the task was created
 * @param ended        whether the conversation accepts no more messages
 * @param messageCount messages of the whole conversation, all runs
 * @param messages     the messages recorded by this run, in order
 * @param priorRunIds  earlier runs, oldest first, holding the earlier messages
 * @param owner        who the task belongs to, null for a task nobody owns
 * @param events       the durable events of this run, in order
 * @param firstEventId id of the first event of this run (events before it are in earlier runs); 0 when unknown
 * @param nextEventId  id the next event will get: the id of the task's end, once it has ended
 */
public record ConversationView(String taskId, String agent, Instant createdAt, boolean ended, long messageCount,
        List<Message> messages, List<String> priorRunIds, Owner owner, List<EventMark> events, long firstEventId,
        long nextEventId) {
}
