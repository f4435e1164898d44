package dev.surge.agent.client;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.surge.agent.config.SurgeConfig;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The fault-tolerant face of llm-gateway.
 * <p>
 * Retry ownership: this bean retries only what it owns, the gateway unreachable and answers marked
 * {@code x-should-retry: true} (see {@link RetryableGatewayFailure}); it gives up at once on
 * {@code x-should-retry: false} (the gateway already spent its retries on the upstream) and on other
 * errors. Temporal retries the activity as a whole, the gateway retries the upstream. Strategies nest
 * as Retry(Timeout(call)): the timeout is per attempt, and the backoff starts from the retry delay.
 * Operators tune the numbers with
 * {@code quarkus.fault-tolerance."dev.surge.agent.client.LlmGatewayClient/complete".retry.max-retries}
 * (and {@code .retry.delay}, {@code .exponential-backoff.max-delay}, {@code .timeout.value}); setting
 * max-retries to 0 gives the "baseline" behaviour. A shed answer's {@code Retry-After} is not used
 * here (the exponential backoff decides); Temporal honours it on the next activity attempt.
 * <p>
 * Non-blocking: the method returns a {@link Uni}, so SmallRye Fault Tolerance runs the retries, their backoff
 * and the timeout on timers, and a call waiting for its reply or its next attempt holds no thread.
 */
@ApplicationScoped
public class LlmGatewayClient {

    private final LlmGatewayRestClient restClient;
    private final SurgeConfig config;

    public LlmGatewayClient(@RestClient LlmGatewayRestClient restClient, SurgeConfig config) {
        this.restClient = restClient;
        this.config = config;
    }

    /**
     * Asks the gateway for a chat completion; nothing is sent before the returned {@link Uni} is subscribed.
     * Fails with a {@link GatewayException} when the gateway answers with an error status.
     */
    @Retry(maxRetries = 3, delay = 1000, jitter = 0)
    @RetryWhen(exception = RetryableGatewayFailure.class)
    @ExponentialBackoff(factor = 2, maxDelay = 30_000)
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    public Uni<ChatCompletionResponse> complete(ChatCompletionRequest request) {
        return restClient.complete(authorization(), request);
    }

    /**
     * Asks the gateway for a streamed chat completion: the {@code data} of each event, nothing sent before the
     * returned {@link Multi} is subscribed. Not retried here: a stream that has sent text is never retried by a
     * layer the client cannot see; the activity fails, and Temporal's retry writes the reply again, telling the
     * client ({@code message.restarted}).
     */
    public Multi<String> stream(ChatCompletionRequest request) {
        return restClient.stream(authorization(), request.streamed());
    }

    private String authorization() {
        return "Bearer " + config.llm().gatewayApiKey().orElse("");
    }
}
