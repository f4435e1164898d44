package dev.surge.agent.workflow;

import org.junit.jupiter.api.Test;

import io.temporal.testing.WorkflowReplayer;

/**
 * Guards determinism: the current workflow code must replay a history recorded from an earlier
 * version (two messages, the second retried once after a 503, then the end signal). A change that
 * breaks this needs versioning ({@code Workflow.getVersion}) before it ships.
 */
class ConversationWorkflowReplayTest {

    @Test
    void replaysARecordedConversation() throws Exception {
        WorkflowReplayer.replayWorkflowExecutionFromResource("conversation-history.json",
                ConversationWorkflowImpl.class);
    }
}
