package dev.surge.agent.service;

import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.service.ConversationException.Reason;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;

/**
 * Runs Temporal client calls made while a request waits under one deadline
 * ({@code surge.temporal.call-timeout}), so that no input (an update nobody accepts, a query no worker answers, an
 * unreachable cluster) can hold a request thread longer. The Temporal SDK honours the deadline of the gRPC
 * {@link Context} it is called in, retries included; a call that runs out answers 503 with {@code Retry-After}.
 */
@ApplicationScoped
public class TemporalCalls {

    private final long timeoutMillis;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "temporal-call-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    public TemporalCalls(SurgeConfig config) {
        this.timeoutMillis = config.temporal().callTimeout().toMillis();
    }

    /** Runs {@code call} under the deadline. */
    public <T> T call(Callable<T> call) {
        Context.CancellableContext context = Context.ROOT
                .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS, deadlines);
        Context previous = context.attach();
        try {
            return call.call();
        } catch (RuntimeException e) {
            if (ranOutOfTime(e)) {
                throw unavailable();
            }
            throw e;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        } finally {
            context.detach(previous);
            if (Context.current() != previous) {
                // quarkus-grpc's context storage does not restore ROOT on a Vert.x duplicated context; left attached,
                // this (soon cancelled) context would cancel every later Temporal call of the request.
                previous.attach();
            }
            context.cancel(null);
        }
    }

    /** Runs {@code call} under the deadline. */
    public void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** The answer when Temporal did not answer in time. */
    public ConversationException unavailable() {
        return new ConversationException(Reason.UNAVAILABLE, "the conversation store did not answer in time",
                Math.max(1, TimeUnit.MILLISECONDS.toSeconds(timeoutMillis)));
    }

    private static boolean ranOutOfTime(Throwable e) {
        if (e instanceof WorkflowUpdateTimeoutOrCancelledException) {
            return true;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StatusRuntimeException status
                    && (status.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
                            || status.getStatus().getCode() == Status.Code.CANCELLED
                            || status.getStatus().getCode() == Status.Code.UNAVAILABLE)) {
                return true;
            }
        }
        return false;
    }

    @PreDestroy
    void stop() {
        deadlines.shutdownNow();
    }
}
