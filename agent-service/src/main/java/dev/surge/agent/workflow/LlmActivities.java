package dev.surge.agent.workflow;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Calls the LLM through llm-gateway. */
@ActivityInterface
public interface LlmActivities {

    /**
     * Asks the agent's model for the next assistant message.
     *
     * @return the reply text
     */
    @ActivityMethod
    String complete(CompletionRequest request);
}
