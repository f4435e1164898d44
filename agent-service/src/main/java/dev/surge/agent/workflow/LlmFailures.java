package dev.surge.agent.workflow;

import java.time.Duration;

import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import dev.surge.agent.MessageFailure;
import dev.surge.agent.client.GatewayException;
import dev.surge.agent.client.RetryableGatewayFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * How a failed gateway call becomes a Temporal failure, and what it cost upstream. Client errors are
 * non-retryable; capacity failures are retryable by {@link LlmRetryPolicies}, after the gateway's
 * {@code Retry-After} when it sent one, unless the message's upstream call budget is spent.
 */
final class LlmFailures {

    private LlmFailures() {
    }

    /**
     * Upstream calls a failed gateway call made: what the gateway counted; when it did not say, none for a call
     * that never reached the provider (shed, or the gateway unreachable), every one it was allowed for an answer
     * it gave up on, and one for a call cut short (the gateway may have sent it before it died or hung).
     */
    static int upstreamAttempts(Throwable failure, int numRetries) {
        if (failure instanceof GatewayException gateway) {
            if (gateway.upstreamAttempts() >= 0) {
                return gateway.upstreamAttempts();
            }
            return gateway.shouldRetry() ? 0 : numRetries + 1;
        }
        return RetryableGatewayFailure.isGatewayUnreachable(failure) ? 0 : 1;
    }

    /**
     * The Temporal failure for a gateway call that failed, the message having spent {@code spent} of its {@code
     * budget} upstream calls; never retryable once the budget is spent.
     */
    static ApplicationFailure toFailure(Throwable failure, int spent, int budget) {
        boolean budgetSpent = spent >= budget;
        if (failure instanceof GatewayException gateway) {
            LlmFailureDetails details = new LlmFailureDetails(gateway.status(), gateway.retryAfterSeconds(), spent);
            if (gateway.isClientError()) {
                return ApplicationFailure.newNonRetryableFailureWithCause(gateway.getMessage(),
                        MessageFailure.REQUEST_REJECTED, gateway, details);
            }
            return capacity(gateway.getMessage(), gateway, budgetSpent, gateway.retryAfterSeconds(), details);
        }
        LlmFailureDetails none = new LlmFailureDetails(0, 0, spent);
        if (failure instanceof TimeoutException) {
            return capacity("llm-gateway did not answer in time", failure, budgetSpent, 0, none);
        }
        if (failure instanceof ProcessingException) {
            return capacity(RetryableGatewayFailure.isGatewayUnreachable(failure) ? "llm-gateway is unreachable"
                    : "the call to llm-gateway failed", failure, budgetSpent, 0, none);
        }
        return ApplicationFailure.newFailureWithCause("the call to llm-gateway failed unexpectedly",
                MessageFailure.INTERNAL, failure, none);
    }

    private static ApplicationFailure capacity(String message, Throwable cause, boolean budgetSpent,
            long retryAfterSeconds, LlmFailureDetails details) {
        if (budgetSpent) {
            return ApplicationFailure.newNonRetryableFailureWithCause(message + " (the message's upstream call "
                    + "budget is spent)", MessageFailure.UPSTREAM_CAPACITY, cause, details);
        }
        if (retryAfterSeconds > 0) {
            return ApplicationFailure.newFailureWithCauseAndDelay(message, MessageFailure.UPSTREAM_CAPACITY, cause,
                    Duration.ofSeconds(retryAfterSeconds), details);
        }
        return ApplicationFailure.newFailureWithCause(message, MessageFailure.UPSTREAM_CAPACITY, cause, details);
    }
}
