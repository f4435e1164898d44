package dev.surge.gateway.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import dev.surge.gateway.ChatCompletionRequest;
import dev.surge.gateway.deployment.Deployment;
import dev.surge.gateway.deployment.ModelRoute;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * One chat completion call, and its retry loop: waits for an in-flight slot, asks the model's route where each
 * attempt goes, decides after a failure whether and when to try again (and where), and ends the call with the
 * answer, a relayed success or an error. The attempts themselves are {@link UpstreamAttempt}s, a success is passed
 * on by a {@link Relay}, and error answers are written by {@link ErrorResponses}. Everything runs on the caller's
 * event loop; waits are Vert.x timers, so a waiting or streaming call holds no thread.
 *
 * <p>Retries are written here rather than with SmallRye Fault Tolerance: a {@code Guard}'s retry count and
 * timeout are fixed when it is built, while here each request brings its own {@code num_retries} and deadline;
 * the next attempt may go to another deployment, with its own budget; the wait is dictated per answer by
 * {@code retry-after-ms} / {@code Retry-After} / {@code x-ratelimit-reset-*} and is skipped (answer at once) when
 * it would overrun the deadline; a stream may be retried only until its first byte reached the caller; and on
 * giving up the caller needs the last upstream answer with the delay still due, not an exception.
 */
final class ChatCompletionCall implements ModelRoute.Attempts, UpstreamAttempt.Listener, Relay.Listener {

    private static final Logger LOG = Logger.getLogger(ChatCompletionCall.class);

    private final ChatCompletionService service;
    private final HttpServerResponse response;
    private final ChatCompletionRequest request;
    private final int maxRetries;
    private final long maxTokens;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    /** Deployments this call failed on, was refused by as too large, or whose breaker turned it away. */
    private final List<Deployment> failed = new ArrayList<>(2);
    private final List<Deployment> tooLarge = new ArrayList<>(1);
    private final List<Deployment> refused = new ArrayList<>(1);

    private ModelRoute route;
    private long tokensNeeded;
    private int sent;
    private int retries;
    private UpstreamAttempt attempt;
    private AttemptFailure lastFailure;
    private String bodyModel;
    private Buffer body;
    private long retryTimer = -1;
    private long deadlineTimer = -1;
    private boolean holdsSlot;
    private boolean committed;
    private boolean finished;

    ChatCompletionCall(ChatCompletionService service, HttpServerResponse response, ChatCompletionRequest request) {
        this.service = service;
        this.response = response;
        this.request = request;
        this.maxRetries = request.numRetries().orElse(service.defaultNumRetries);
        this.maxTokens = request.maxTokens().orElse(service.defaultMaxTokens);
        this.tokensNeeded = Deployment.promptTokens(request.promptChars()) + maxTokens;
        this.deadlineNanos = request.timeout().map(timeout -> startNanos + timeout.toNanos()).orElse(0L);
    }

    void start() {
        response.closeHandler(v -> abort());
        request.timeout().ifPresent(timeout ->
                deadlineTimer = service.vertx.setTimer(Math.max(1, timeout.toMillis()), id -> onDeadline()));
        service.limiter.acquire(granted -> {
            if (finished) {
                if (granted) {
                    service.limiter.release();
                }
            } else if (granted) {
                holdsSlot = true;
                firstAttempt();
            } else {
                shed();
            }
        });
    }

    @Override
    public long pacingCost(Deployment deployment) {
        return deployment.pacingCost(request.promptChars(), maxTokens);
    }

    @Override
    public long tokensNeeded() {
        return tokensNeeded;
    }

    @Override
    public boolean failed(Deployment deployment) {
        return failed.contains(deployment);
    }

    @Override
    public boolean tooLarge(Deployment deployment) {
        return tooLarge.contains(deployment);
    }

    @Override
    public boolean refused(Deployment deployment) {
        return refused.contains(deployment);
    }

    private void firstAttempt() {
        route = service.deployments.route(request.model()).orElse(null);
        if (route == null) {
            stampAttempts();
            service.errors.modelNotFound(response, request.model());
            finish("model_not_found");
            return;
        }
        ModelRoute.Choice choice = route.choose(this);
        switch (choice.kind()) {
            case NEVER_FITS -> neverFits(choice);
            case COOLING -> cooling(false, choice.waitNanos());
            case GO -> {
                if (choice.waitNanos() > 0 && wouldOverrunDeadline(choice.waitNanos())) {
                    cooling(true, choice.waitNanos());
                } else {
                    choice.target().deployment().budget().recordRequest();
                    send(choice.target());
                }
            }
        }
    }

    private void send(ModelRoute.Target target) {
        Deployment deployment = target.deployment();
        attempt = new UpstreamAttempt(service, deployment, bodyFor(target.upstreamModel()), request.stream(),
                pacingCost(deployment), this);
        attempt.start();
    }

    @Override
    public void sent(UpstreamAttempt sentAttempt) {
        sent++;
    }

    @Override
    public void answered(UpstreamAttempt answered, HttpClientResponse upstream) {
        new Relay(answered, response, this).start(upstream);
    }

    @Override
    public void refused(UpstreamAttempt turnedAway) {
        attempt = null;
        refused.add(turnedAway.deployment());
        ModelRoute.Choice next = route.choose(this);
        switch (next.kind()) {
            case NEVER_FITS -> neverFits(next);
            case COOLING -> {
                if (lastFailure == null) {
                    cooling(false, next.waitNanos());
                } else {
                    answerWith(lastFailure, "deployments_cooling");
                }
            }
            case GO -> send(next.target());
        }
    }

    @Override
    public void failed(UpstreamAttempt failedAttempt, AttemptFailure failure) {
        attempt = null;
        lastFailure = failure;
        Deployment deployment = failure.deployment();
        if (failure.tooLarge().isPresent()) {
            tooLarge.add(deployment);
            tokensNeeded = Math.max(tokensNeeded, failure.tooLarge().get().requested());
        } else if (failure.retryable()) {
            failed.add(deployment);
        } else {
            answerWith(failure, "upstream_rejected");
            return;
        }
        ModelRoute.Choice next = route.choose(this);
        if (next.kind() == ModelRoute.Kind.NEVER_FITS) {
            neverFits(next);
            return;
        }
        if (retries >= maxRetries) {
            answerWith(failure, "retries_exhausted");
            return;
        }
        if (next.kind() == ModelRoute.Kind.COOLING) {
            answerWith(failure, "deployments_cooling");
            return;
        }
        Deployment target = next.target().deployment();
        // Another deployment owes nothing to this one's delay or backoff: it is tried at once.
        Duration wait = !failed.contains(target) ? Duration.ZERO
                : failure.serverDelay() != null ? service.retryPolicy.cap(failure.serverDelay())
                : service.retryPolicy.backoff(retries + 1, ThreadLocalRandom.current().nextDouble());
        if (wouldOverrunDeadline(Math.max(wait.toNanos(), next.waitNanos()))) {
            answerWith(failure, "deadline_exceeded");
            return;
        }
        if (!target.budget().tryRetry()) {
            service.metrics.retryRefused(target);
            answerWith(failure, "retry_budget_exhausted");
            return;
        }
        retries++;
        service.metrics.retryScheduled(failure.reason(), wait);
        if (LOG.isDebugEnabled()) {
            LOG.debugf("%s failed (%s); retry %d of %d on %s in %d ms", deployment, failure.reason(), retries,
                    maxRetries, target, wait.toMillis());
        }
        retryTimer = service.vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
            retryTimer = -1;
            if (!finished) {
                send(next.target());
            }
        });
    }

    @Override
    public void committing(HttpClientResponse upstream) {
        committed = true;
        cancelDeadline();
        response.setStatusCode(upstream.statusCode());
        Deployment deployment = attempt.deployment();
        ErrorResponses.copyHeaders(upstream.headers(), response, deployment.client().apiKey());
        response.putHeader(ChatCompletionService.DEPLOYMENT_HEADER, deployment.name());
        stampAttempts();
    }

    @Override
    public void relayed(long promptTokens) {
        attempt.deployment().promptUsage(request.promptChars(), promptTokens);
        finish("success");
    }

    @Override
    public void failedBeforeFirstByte(Throwable cause) {
        failed(attempt, attempt.connectionFailure(cause));
    }

    /** The upstream failed after the caller got bytes: a retry would duplicate them, so the call ends here. */
    @Override
    public void brokeOff(Throwable cause) {
        LOG.debugf("%s broke off a started answer: %s", attempt.deployment(), cause.getMessage());
        if (request.stream()) {
            response.end(service.errors.streamInterruptedEvent());
        } else {
            response.reset();
        }
        finish("broken_off");
    }

    /** Ends the call with an upstream error answer: its status and body, and no further retries expected. */
    private void answerWith(AttemptFailure failure, String outcome) {
        stampAttempts();
        response.putHeader(ChatCompletionService.DEPLOYMENT_HEADER, failure.deployment().name());
        service.errors.upstreamError(response, failure);
        finish(outcome);
    }

    private void neverFits(ModelRoute.Choice choice) {
        stampAttempts();
        service.errors.neverFits(response, request.model(), tokensNeeded, choice.largestTokenLimit());
        finish("context_length_exceeded");
    }

    private void cooling(boolean rateLimited, long returnsInNanos) {
        stampAttempts();
        service.errors.cooling(response, request.model(), rateLimited, Duration.ofNanos(returnsInNanos));
        finish("deployments_cooling");
    }

    private void shed() {
        service.metrics.shed();
        stampAttempts();
        service.errors.shed(response, service.overloadRetryAfter);
        finish("shed");
    }

    private void onDeadline() {
        deadlineTimer = -1;
        if (finished || committed) {
            return;
        }
        if (attempt != null) {
            attempt.cancel(true);
        }
        stampAttempts();
        service.errors.deadlineExceeded(response, request.timeout().orElseThrow());
        finish("deadline_exceeded");
    }

    /** The caller went away: stop working for it and free the upstream connection. */
    private void abort() {
        if (!finished) {
            finish("cancelled");
        }
    }

    private void finish(String outcome) {
        if (finished) {
            return;
        }
        finished = true;
        cancelAttempt();
        cancelDeadline();
        if (retryTimer != -1) {
            service.vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        if (holdsSlot) {
            holdsSlot = false;
            service.limiter.release();
        }
        service.metrics.requestCompleted(request.model(), outcome, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private void cancelAttempt() {
        if (attempt != null) {
            attempt.cancel(false);
        }
    }

    private void cancelDeadline() {
        if (deadlineTimer != -1) {
            service.vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    private void stampAttempts() {
        response.putHeader(ChatCompletionService.ATTEMPTS_HEADER, Integer.toString(sent));
    }

    private boolean wouldOverrunDeadline(long waitNanos) {
        return deadlineNanos != 0 && System.nanoTime() + waitNanos - deadlineNanos >= 0;
    }

    /** The body for an upstream model name, written once per name a call meets. */
    private Buffer bodyFor(String upstreamModel) {
        if (!upstreamModel.equals(bodyModel)) {
            body = request.bodyFor(upstreamModel);
            bodyModel = upstreamModel;
        }
        return body;
    }
}
