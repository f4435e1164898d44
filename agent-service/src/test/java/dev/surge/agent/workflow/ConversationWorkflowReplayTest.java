package dev.surge.agent.workflow;

import org.junit.jupiter.api.Test;

import io.temporal.testing.WorkflowReplayer;

/**
 * Guards determinism: the current workflow code must replay histories recorded from earlier versions. A change that
 * breaks this needs versioning ({@code Workflow.getVersion}) before it ships.
 */
class ConversationWorkflowReplayTest {

    /** Unowned: two messages, the second retried once after a 503, then the end signal. */
    @Test
    void replaysARecordedConversation() throws Exception {
        WorkflowReplayer.replayWorkflowExecutionFromResource("conversation-history.json",
                ConversationWorkflowImpl.class);
    }

    /**
     * Owned, version 2 of the owner model: an idle timer started per message, two progress reports to the owner's
     * directory per message, two messages, then the end signal.
     */
    @Test
    void replaysAnOwnedConversationOfOwnerModelTwo() throws Exception {
        WorkflowReplayer.replayWorkflowExecutionFromResource("owned-conversation-history.json",
                ConversationWorkflowImpl.class);
    }
}
