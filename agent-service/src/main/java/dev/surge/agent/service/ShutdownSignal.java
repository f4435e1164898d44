package dev.surge.agent.service;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this instance has begun to shut down (SIGTERM, a rolling restart), for the requests that would otherwise
 * hold it up: a POST waiting for its reply answers 202 at once instead, so that its frontend sends it again, with
 * the same {@code Idempotency-Key}, to an instance that stays, and the HTTP server drains in moments.
 */
@ApplicationScoped
public class ShutdownSignal {

    private final CompletableFuture<Void> begun = new CompletableFuture<>();

    /** Marks the start of the shutdown; waits cut short by {@link #orEmptyOnShutdown} end now. */
    public void begin() {
        begun.complete(null);
    }

    public boolean begun() {
        return begun.isDone();
    }

    /** {@code wait}'s answer, or empty as soon as this instance begins to shut down, whichever comes first. */
    public <T> CompletionStage<Optional<T>> orEmptyOnShutdown(CompletionStage<Optional<T>> wait) {
        return wait.toCompletableFuture().applyToEither(begun.thenApply(shutdown -> Optional.<T>empty()),
                answer -> answer);
    }
}
