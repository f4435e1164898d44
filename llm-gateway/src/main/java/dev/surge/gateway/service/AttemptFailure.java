package dev.surge.gateway.service;

import java.time.Duration;
import java.util.Optional;

import dev.surge.gateway.deployment.Deployment;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A failed attempt, as the retry loop weighs it and as the caller gets it if it is the last one.
 *
 * @param deployment where it went
 * @param status what the caller gets if this is the last one
 * @param reason for metrics and logs: the upstream status, or what went wrong on the connection
 * @param headers the upstream's headers (none for a connection failure)
 * @param body the upstream's error body, or the gateway's for a connection failure
 * @param isOpenAiError whether {@code body} is an OpenAI error that may be passed on as it is
 * @param serverDelay the wait the upstream asked for, or null
 * @param atNanos when it happened, to tell how much of the delay is still due
 * @param retryable whether another attempt may help
 * @param capacity whether it counts as the deployment failing for capacity
 * @param tooLarge set when the deployment said the request is larger than it ever admits
 */
record AttemptFailure(Deployment deployment, int status, String reason, MultiMap headers, Buffer body,
        boolean isOpenAiError, Duration serverDelay, long atNanos, boolean retryable, boolean capacity,
        Optional<RetryPolicy.TooLarge> tooLarge) {

    /** Whether the upstream asked for a wait that is not over yet, and how much of it is left. */
    Optional<Duration> delayStillDue() {
        if (serverDelay == null) {
            return Optional.empty();
        }
        Duration due = serverDelay.minusNanos(System.nanoTime() - atNanos);
        return due.isNegative() || due.isZero() ? Optional.empty() : Optional.of(due);
    }
}
