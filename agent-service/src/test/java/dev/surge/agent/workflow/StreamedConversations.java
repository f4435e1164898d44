package dev.surge.agent.workflow;

import java.time.Instant;

import dev.surge.agent.Exchange;
import dev.surge.agent.GenerationParams;
import dev.surge.agent.Owner;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;

/** Conversations of the workflow tests of streamed replies: started on {@link #QUEUE}, streamed to {@link #REPLICA_QUEUE}. */
final class StreamedConversations {

    static final String QUEUE = "test-conversations";
    static final String REPLICA_QUEUE = "test-conversations-replica";
    static final Owner OWNER = new Owner("acme", "alice");

    private StreamedConversations() {
    }

    /** A conversation {@code id} of {@link #OWNER} whose LLM activities heartbeat within {@code heartbeatTimeoutMillis}. */
    static WorkflowStub start(WorkflowClient client, String id, long heartbeatTimeoutMillis) {
        ConversationSettings settings = new ConversationSettings(LlmRetryPolicies.DEFAULT_SETTINGS, 60_000, 10,
                100, 100, 0, heartbeatTimeoutMillis, 5_000);
        ConversationWorkflow workflow = client.newWorkflowStub(ConversationWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(QUEUE).build());
        WorkflowClient.start(workflow::run, ConversationInput.start(id, "default", GenerationParams.NONE,
                Instant.parse("2025-01-01T00:00:00Z"), settings, OWNER));
        return WorkflowStub.fromTyped(workflow);
    }

    /** Sends message {@code key}, its reply ({@code <key>-reply}) streamed to {@link #REPLICA_QUEUE}. */
    static WorkflowUpdateHandle<Exchange> send(WorkflowStub conversation, String key) {
        return conversation.startUpdate(UpdateOptions.newBuilder(Exchange.class).setUpdateName("sendMessage")
                .setUpdateId(key).setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(),
                new SendMessage(key + "-user", key + "-reply", "tell me", OWNER, REPLICA_QUEUE));
    }
}
