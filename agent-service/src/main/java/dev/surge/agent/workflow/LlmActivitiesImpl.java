package dev.surge.agent.workflow;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.surge.agent.GenerationParams;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.client.ChatCompletionRequest;
import dev.surge.agent.client.ChatMessage;
import dev.surge.agent.client.LlmGatewayClient;
import dev.surge.agent.config.SurgeConfig;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;

/**
 * Thin adapter from the workflow to {@link LlmGatewayClient}: builds the request from the agent's
 * configuration and hands it to {@link LlmCallQueue}, which completes the activity when the gateway has
 * answered. The activity method returns at once: a waiting or running call holds a slot of the worker, never a
 * thread. A reply whose caller waits on this replica for its text ({@link ReplyStreams}) is asked for as a stream
 * and handed to the caller as it is written ({@link StreamedReply}). Client errors are non-retryable; capacity failures are retryable by {@link LlmRetryPolicies} (see
 * {@link LlmFailures}) within the message's upstream call budget, which the heartbeat details carry from one
 * attempt to the next.
 */
@ApplicationScoped
public class LlmActivitiesImpl implements LlmActivities {

    private final LlmGatewayClient gateway;
    private final LlmCallQueue queue;
    private final SurgeConfig config;
    private final ReplyStreams streams;
    private final ObjectMapper json;

    public LlmActivitiesImpl(LlmGatewayClient gateway, LlmCallQueue queue, SurgeConfig config, ReplyStreams streams,
            ObjectMapper json) {
        this.gateway = gateway;
        this.queue = queue;
        this.config = config;
        this.streams = streams;
        this.json = json;
    }

    @Override
    public String complete(CompletionRequest request) {
        SurgeConfig.Agent agent = config.agents().get(request.agent());
        if (agent == null) {
            throw ApplicationFailure.newNonRetryableFailure("unknown agent " + request.agent(),
                    MessageFailure.REQUEST_REJECTED, new LlmFailureDetails(0, 0));
        }
        ActivityExecutionContext context = Activity.getExecutionContext();
        // Temporal's attempts read what the earlier ones spent from the heartbeat details; the workflow's streamed
        // attempts, each a new activity, from the request.
        LlmCallBudget budget = new LlmCallBudget(config.llm().upstreamCallBudget(), Math.max(request.spentCalls(),
                context.getHeartbeatDetails(LlmCallProgress.class).orElse(LlmCallProgress.NONE).upstreamCalls()));
        if (budget.left() <= 0) {
            throw ApplicationFailure.newNonRetryableFailure("the message's upstream call budget of "
                    + budget.total() + " calls is spent", MessageFailure.UPSTREAM_CAPACITY,
                    new LlmFailureDetails(0, 0));
        }
        ChatCompletionRequest chat = toChatRequest(agent, request, budget.numRetries());
        ReplyStreams.Listener listener = streams.listener(request.replyId()).orElse(null);
        if (listener == null) {
            queue.submit(new PendingLlmCall(context.useLocalManualCompletion(), gateway.complete(chat),
                    request.acceptedAtMillis(), queue.nextArrival(), budget));
        } else {
            StreamedReply reply = new StreamedReply(listener, json,
                    request.attempt() > 1 || context.getInfo().getAttempt() > 1);
            queue.submit(new PendingLlmCall(context.useLocalManualCompletion(), reply.collect(gateway.stream(chat)),
                    request.acceptedAtMillis(), queue.nextArrival(), budget, reply::text));
        }
        return null;
    }

    private ChatCompletionRequest toChatRequest(SurgeConfig.Agent agent, CompletionRequest request, int numRetries) {
        List<ChatMessage> messages = new ArrayList<>();
        agent.systemPrompt().ifPresent(prompt -> messages.add(new ChatMessage("system", prompt)));
        request.messages().forEach(turn -> messages.add(new ChatMessage(turn.role(), turn.content())));
        GenerationParams params = request.params() == null ? GenerationParams.NONE : request.params();
        return new ChatCompletionRequest(agent.model(), messages,
                params.temperature() != null ? params.temperature() : agent.temperature().orElse(null),
                params.maxTokens() != null ? params.maxTokens()
                        : agent.maxTokens().isPresent() ? Integer.valueOf(agent.maxTokens().getAsInt()) : null,
                params.topP() != null ? params.topP() : agent.topP().orElse(null),
                Math.max(1, config.llm().gatewayDeadline().toSeconds()),
                numRetries, null);
    }
}
