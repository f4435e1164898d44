package dev.surge.agent.workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import dev.surge.agent.GenerationParams;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.client.ChatCompletionRequest;
import dev.surge.agent.client.ChatCompletionResponse;
import dev.surge.agent.client.ChatMessage;
import dev.surge.agent.client.GatewayException;
import dev.surge.agent.client.LlmGatewayClient;
import dev.surge.agent.client.RetryableGatewayFailure;
import dev.surge.agent.config.SurgeConfig;
import io.temporal.failure.ApplicationFailure;

/**
 * Thin adapter from the workflow to {@link LlmGatewayClient}: builds the request from the agent's
 * configuration and turns gateway failures into Temporal failures. Client errors are non-retryable;
 * capacity failures are retryable by {@link LlmRetryPolicies}, after the gateway's {@code Retry-After}
 * when it sent one.
 */
@ApplicationScoped
public class LlmActivitiesImpl implements LlmActivities {

    private final LlmGatewayClient gateway;
    private final SurgeConfig config;
    private final Duration gatewayDeadline;

    public LlmActivitiesImpl(LlmGatewayClient gateway, SurgeConfig config) {
        this.gateway = gateway;
        this.config = config;
        this.gatewayDeadline = config.llm().gatewayDeadline();
    }

    @Override
    public String complete(CompletionRequest request) {
        SurgeConfig.Agent agent = config.agents().get(request.agent());
        if (agent == null) {
            throw ApplicationFailure.newNonRetryableFailure("unknown agent " + request.agent(),
                    MessageFailure.REQUEST_REJECTED, new LlmFailureDetails(0, 0));
        }
        ChatCompletionResponse response;
        try {
            response = gateway.complete(toChatRequest(agent, request));
        } catch (GatewayException e) {
            throw toFailure(e);
        } catch (TimeoutException e) {
            throw ApplicationFailure.newFailureWithCause("llm-gateway did not answer in time",
                    MessageFailure.UPSTREAM_CAPACITY, e, new LlmFailureDetails(0, 0));
        } catch (ProcessingException e) {
            String reason = RetryableGatewayFailure.isGatewayUnreachable(e) ? "llm-gateway is unreachable"
                    : "llm-gateway call failed: " + e.getMessage();
            throw ApplicationFailure.newFailureWithCause(reason, MessageFailure.UPSTREAM_CAPACITY, e,
                    new LlmFailureDetails(0, 0));
        }
        String content = response.firstContent();
        if (content == null) {
            throw ApplicationFailure.newFailure("llm-gateway answered without a message", MessageFailure.INTERNAL,
                    new LlmFailureDetails(200, 0));
        }
        return content;
    }

    static ApplicationFailure toFailure(GatewayException e) {
        LlmFailureDetails details = new LlmFailureDetails(e.status(), e.retryAfterSeconds());
        if (e.isClientError()) {
            return ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), MessageFailure.REQUEST_REJECTED,
                    e, details);
        }
        if (e.retryAfterSeconds() > 0) {
            return ApplicationFailure.newFailureWithCauseAndDelay(e.getMessage(), MessageFailure.UPSTREAM_CAPACITY, e,
                    Duration.ofSeconds(e.retryAfterSeconds()), details);
        }
        return ApplicationFailure.newFailureWithCause(e.getMessage(), MessageFailure.UPSTREAM_CAPACITY, e, details);
    }

    private ChatCompletionRequest toChatRequest(SurgeConfig.Agent agent, CompletionRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        agent.systemPrompt().ifPresent(prompt -> messages.add(new ChatMessage("system", prompt)));
        request.messages().forEach(turn -> messages.add(new ChatMessage(turn.role(), turn.content())));
        GenerationParams params = request.params() == null ? GenerationParams.NONE : request.params();
        return new ChatCompletionRequest(agent.model(), messages,
                params.temperature() != null ? params.temperature() : agent.temperature().orElse(null),
                params.maxTokens() != null ? params.maxTokens()
                        : agent.maxTokens().isPresent() ? Integer.valueOf(agent.maxTokens().getAsInt()) : null,
                params.topP() != null ? params.topP() : agent.topP().orElse(null),
                Math.max(1, gatewayDeadline.toSeconds()));
    }
}
