package dev.surge.agent.workflow;

import dev.surge.agent.Exchange;
import dev.surge.agent.GenerationParams;
import dev.surge.agent.Message;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import dev.surge.agent.TaskStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The types that cross Temporal as payloads (workflow input, update, query and activity arguments and results,
 * failure details). Temporal's Jackson data converter reads and writes them by reflection, and quarkus-temporal
 * 0.2.0 registers the workflow and activity interfaces for a native image but not their payloads: registered
 * here, in one place, so a native build keeps their constructors and accessors.
 */
@RegisterForReflection(targets = {
        ChatTurn.class,
        CompletionRequest.class,
        ConversationInput.class,
        ConversationSettings.class,
        ConversationView.class,
        EventMark.class,
        Exchange.class,
        GenerationParams.class,
        LlmCallProgress.class,
        LlmFailureDetails.class,
        LlmRetrySettings.class,
        Message.class,
        MessageFailure.class,
        MessageStatus.class,
        OpenTask.class,
        OwnedTask.class,
        Owner.class,
        OwnerDirectoryInput.class,
        SendMessage.class,
        TaskActivity.class,
        TaskStatus.class,
})
final class TemporalPayloads {

    private TemporalPayloads() {
    }
}
