package dev.surge.agent.workflow;

import dev.surge.agent.Exchange;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One conversation (task): workflow id = task id. */
@WorkflowInterface
public interface ConversationWorkflow {

    /** Runs until ended or cancelled, continuing as new when the history grows large. */
    @WorkflowMethod
    void run(ConversationInput input);

    /** Records a user message and returns it with the assistant's reply (completed or failed). */
    @UpdateMethod
    Exchange sendMessage(SendMessage message);

    /** Rejects a message to an ended conversation and invalid content before it enters the history. */
    @UpdateValidatorMethod(updateName = "sendMessage")
    void validateSendMessage(SendMessage message);

    /** The messages of this run and where the earlier ones are. */
    @QueryMethod
    ConversationView history();

    /**
     * Stops the reply {@code replyId} (the one being written, or one still waiting for its turn): it becomes
     * INTERRUPTED with what was written of it, and the conversation goes on. Nothing happens for a reply that is no
     * longer pending.
     */
    @SignalMethod
    void interrupt(String replyId);

    /** Ends the conversation once the replies in flight are done. */
    @SignalMethod
    void end();
}
