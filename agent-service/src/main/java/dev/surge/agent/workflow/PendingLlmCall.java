package dev.surge.agent.workflow;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.surge.agent.MessageFailure;
import dev.surge.agent.client.ChatCompletionResponse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.grpc.StatusRuntimeException;
import io.temporal.failure.ApplicationFailure;

/**
 * One LLM activity attempt whose reply is produced asynchronously: it waits in {@link LlmCallQueue} for its
 * turn, then calls the gateway without holding a thread, and completes its activity through the local manual
 * completion client. Exactly one of complete, fail, cancel or hand back reaches Temporal.
 */
final class PendingLlmCall {

    private static final Logger LOG = Logger.getLogger(PendingLlmCall.class);

    enum State { QUEUED, RUNNING, FINISHED }

    private final ManualActivityCompletionClient completion;
    private final Uni<ChatCompletionResponse> call;
    private final long acceptedAtMillis;
    private final long arrival;
    private final LlmCallBudget budget;
    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Runnable onRelease = () -> {
    };
    private volatile Cancellable running;
    private volatile LlmCallProgress progress;
    private final Supplier<String> partialText;

    /**
     * @param completion       completes this activity attempt
     * @param call             the gateway call, not yet subscribed
     * @param acceptedAtMillis when the message was accepted: the queue serves the oldest first
     * @param arrival          arrival order on this instance, to break ties
     * @param budget           the message's upstream call budget, with what earlier attempts spent; the call
     *                         was given what is left as the gateway's {@code num_retries}
     */
    PendingLlmCall(ManualActivityCompletionClient completion, Uni<ChatCompletionResponse> call,
            long acceptedAtMillis, long arrival, LlmCallBudget budget) {
        this(completion, call, acceptedAtMillis, arrival, budget, () -> null);
    }

    /**
     * A call whose text so far {@code partialText} tells (a streamed reply): an interrupted call answers with it, so
     * the interrupted reply keeps what its caller was shown.
     */
    PendingLlmCall(ManualActivityCompletionClient completion, Uni<ChatCompletionResponse> call,
            long acceptedAtMillis, long arrival, LlmCallBudget budget, Supplier<String> partialText) {
        this.partialText = partialText;
        this.completion = completion;
        this.call = call;
        this.acceptedAtMillis = acceptedAtMillis;
        this.arrival = arrival;
        this.budget = budget;
        this.progress = new LlmCallProgress(budget.spent());
    }

    long acceptedAtMillis() {
        return acceptedAtMillis;
    }

    long arrival() {
        return arrival;
    }

    State state() {
        return state.get();
    }

    /**
     * Sends the call. {@code onRelease} runs once, when the gateway has answered or the call was abandoned: it
     * frees the call's turn. The activity is then completed on {@code blocking}, since Temporal's completion
     * client blocks on gRPC.
     */
    void start(Executor blocking, Runnable onRelease) {
        this.onRelease = onRelease;
        if (!state.compareAndSet(State.QUEUED, State.RUNNING)) {
            release();
            return;
        }
        running = call.subscribe().with(
                response -> {
                    release();
                    blocking.execute(() -> succeed(response));
                },
                failure -> {
                    release();
                    blocking.execute(() -> fail(failure));
                });
    }

    /**
     * Tells Temporal this attempt is alive, with what the message has spent so far. Returns false when the
     * attempt is no longer wanted (cancellation requested, or Temporal no longer knows it): the caller drops it.
     * Blocks on gRPC.
     */
    boolean heartbeat() {
        if (state.get() == State.FINISHED) {
            return false;
        }
        try {
            try {
                completion.recordHeartbeat(progress);
            } catch (ActivityCompletionException wrapped) {
                // The SDK's manual completion client wraps the cancellation it reads from the heartbeat's answer.
                if (wrapped.getCause() instanceof ActivityCanceledException cancelled) {
                    throw cancelled;
                }
                throw wrapped;
            }
            return true;
        } catch (ActivityCanceledException cancelled) {
            if (finish()) {
                cancelCall();
                String partial = partialText.get();
                if (partial == null) {
                    reportCancellation();
                } else {
                    // A streamed reply stops with what its caller was shown: the workflow keeps it as INTERRUPTED.
                    completeQuietly(partial);
                }
            }
            return false;
        } catch (ActivityNotExistsException gone) {
            // Timed out or its workflow ended: another attempt (or nobody) owns the message now.
            if (finish()) {
                cancelCall();
            }
            return false;
        } catch (ActivityCompletionException | StatusRuntimeException transientFailure) {
            LOG.debugf("heartbeat failed, retried at the next interval: %s", transientFailure.getMessage());
            return true;
        }
    }

    /**
     * Gives the message back to Temporal to be retried elsewhere (this instance is shutting down): the call in
     * flight, if any, is abandoned. Blocks on gRPC.
     */
    void handBack(String reason) {
        if (!finish()) {
            return;
        }
        cancelCall();
        failQuietly(ApplicationFailure.newFailure(reason, MessageFailure.UPSTREAM_CAPACITY,
                new LlmFailureDetails(0, 0)));
    }

    private void succeed(ChatCompletionResponse response) {
        if (!finish()) {
            return;
        }
        String content = response.firstContent();
        if (content == null) {
            failQuietly(ApplicationFailure.newFailure("llm-gateway answered without a message",
                    MessageFailure.INTERNAL, new LlmFailureDetails(200, 0)));
            return;
        }
        completeQuietly(content);
    }

    private void completeQuietly(String content) {
        try {
            completion.complete(content);
        } catch (ActivityCompletionException | StatusRuntimeException e) {
            LOG.debugf("could not complete an LLM activity (Temporal retries it): %s", e.getMessage());
        }
    }

    private void fail(Throwable failure) {
        if (!finish()) {
            return;
        }
        int spent = budget.spent() + LlmFailures.upstreamAttempts(failure, budget.numRetries());
        ApplicationFailure reason = LlmFailures.toFailure(failure, spent, budget.total());
        if (!reason.isNonRetryable()) {
            // The next attempt reads this heartbeat's details to know what is left of the budget.
            progress = new LlmCallProgress(spent);
            try {
                completion.recordHeartbeat(progress);
            } catch (ActivityCompletionException | StatusRuntimeException e) {
                LOG.debugf("could not record the upstream calls spent: %s", e.getMessage());
            }
        }
        failQuietly(reason);
    }

    private void failQuietly(ApplicationFailure reason) {
        try {
            completion.fail(reason);
        } catch (ActivityCompletionException | StatusRuntimeException e) {
            LOG.debugf("could not fail an LLM activity (Temporal retries it): %s", e.getMessage());
        }
    }

    private void reportCancellation() {
        try {
            completion.reportCancellation(progress);
        } catch (ActivityCompletionException | StatusRuntimeException e) {
            LOG.debugf("could not confirm the cancellation of an LLM activity: %s", e.getMessage());
        }
    }

    /** Claims the single completion of this attempt; false when another path already took it. */
    private boolean finish() {
        return state.getAndSet(State.FINISHED) != State.FINISHED;
    }

    /** Abandons the gateway call, if one is in flight: its connection is closed and its turn freed. */
    private void cancelCall() {
        Cancellable subscription = running;
        if (subscription != null) {
            subscription.cancel();
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            onRelease.run();
        }
    }
}
