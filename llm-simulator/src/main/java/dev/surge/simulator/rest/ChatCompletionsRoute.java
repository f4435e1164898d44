package dev.surge.simulator.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.surge.simulator.SimulatorSettings;
import dev.surge.simulator.openai.ApiError;
import dev.surge.simulator.openai.ChatCompletion;
import dev.surge.simulator.openai.ChatCompletionChunk;
import dev.surge.simulator.openai.ChatRequest;
import dev.surge.simulator.openai.InvalidRequestException;
import dev.surge.simulator.openai.OpenAiDuration;
import dev.surge.simulator.openai.Usage;
import dev.surge.simulator.service.ApiKeys;
import dev.surge.simulator.service.RateLimiter;
import dev.surge.simulator.service.RateLimiter.BucketState;
import dev.surge.simulator.service.RateLimiter.Decision;
import dev.surge.simulator.service.ReplyGenerator;
import dev.surge.simulator.service.ReplyGenerator.Reply;
import dev.surge.simulator.service.SettingsService;
import dev.surge.simulator.service.StatsService;
import dev.surge.simulator.service.StatsService.Tracker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code POST /v1/chat/completions} as a Vert.x route. Everything runs on the request's event loop:
 * latency is a chain of {@code vertx.setTimer} callbacks, so a slow request holds a timer and a
 * socket, never a thread.
 */
@ApplicationScoped
public class ChatCompletionsRoute {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsRoute.class);
    private static final long BODY_LIMIT_BYTES = 4L * 1024 * 1024;
    private static final String FINGERPRINT = "fp_surge_sim";
    private static final String ORGANIZATION = "org-surge-simulator";
    private static final String LIMITS_HINT = "Visit https://platform.openai.com/account/rate-limits to learn more.";
    private static final int[] SERVER_ERRORS = { 500, 502, 503 };
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final ObjectMapper mapper;
    private final SettingsService settings;
    private final RateLimiter limiter;
    private final StatsService stats;
    private final ReplyGenerator replies;

    ChatCompletionsRoute(ObjectMapper mapper, SettingsService settings, RateLimiter limiter, StatsService stats,
            ReplyGenerator replies) {
        this.mapper = mapper;
        this.settings = settings;
        this.limiter = limiter;
        this.stats = stats;
        this.replies = replies;
    }

    void register(@Observes Router router) {
        router.post("/v1/chat/completions")
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES))
                .handler(ctx -> {
                    Exchange exchange = new Exchange(ctx);
                    exchange.safely(exchange::run);
                });
    }

    /** One request, from arrival to its last byte; confined to its event loop. */
    private final class Exchange {

        private final RoutingContext ctx;
        private final HttpServerResponse response;
        private final Vertx vertx;
        private final SimulatorSettings config;
        private final String keyId;
        private final Tracker tracker;
        private long timerId = -1;
        private boolean finished;
        /** The last chunk written, so that a cut comes after what was sent reached the socket. */
        private Future<Void> lastWrite = Future.succeededFuture();

        Exchange(RoutingContext ctx) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.vertx = ctx.vertx();
            this.config = settings.current();
            this.keyId = ApiKeys.idOf(ctx.request().getHeader("Authorization"));
            this.tracker = stats.begin(keyId);
            response.closeHandler(closed -> clientGone());
        }

        void run() {
            ChatRequest request;
            try {
                Buffer body = ctx.body().buffer();
                request = ChatRequest.parse(mapper, body == null ? null : body.getBytes());
            } catch (InvalidRequestException e) {
                rateLimitHeaders(limiter.peek(keyId, config));
                tracker.outcome("400");
                sendJson(400, e.error());
                return;
            }
            if (config.faults().insufficientQuota()) {
                rateLimitHeaders(limiter.peek(keyId, config));
                tracker.rateLimited("insufficient_quota");
                sendJson(429, ApiError.insufficientQuota());
                return;
            }
            int maxTokens = request.maxTokens() != null ? request.maxTokens() : config.defaultMaxTokens();
            Decision decision = limiter.acquire(keyId, request.promptTokens() + maxTokens, config);
            rateLimitHeaders(decision);
            if (!decision.admitted()) {
                rejectOverLimit(request, decision);
                return;
            }
            int maxConcurrent = config.maxConcurrentPerKey();
            if (maxConcurrent > 0 && tracker.keyConcurrent() > maxConcurrent) {
                tracker.rateLimited("concurrency");
                sendJson(429, ApiError.rateLimited("Too many concurrent requests for this API key: limit "
                        + maxConcurrent + ". Retry when a request in flight has finished.", "requests"));
                return;
            }
            if (!injectFault()) {
                Reply reply = replies.reply(request.lastUserText(), maxTokens);
                if (request.stream()) {
                    stream(request, reply);
                } else {
                    complete(request, reply);
                }
            }
        }

        /** Draws one number against the cumulative fault shares; true when a fault took the request. */
        private boolean injectFault() {
            SimulatorSettings.Faults faults = config.faults();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            double draw = random.nextDouble();
            if (draw < faults.errorRate()) {
                int status = SERVER_ERRORS[random.nextInt(SERVER_ERRORS.length)];
                after(firstTokenDelay(), () -> {
                    tracker.outcome(Integer.toString(status));
                    sendJson(status, ApiError.serverError(status));
                });
                return true;
            }
            draw -= faults.errorRate();
            if (draw < faults.resetRate()) {
                after(firstTokenDelay(), () -> cut("reset"));
                return true;
            }
            draw -= faults.resetRate();
            if (draw < faults.hangRate()) {
                tracker.outcome("hang");
                after(faults.hangForMs(), () -> cut("hang"));
                return true;
            }
            return false;
        }

        private void rejectOverLimit(ChatRequest request, Decision decision) {
            String model = request.model();
            long retryMillis = RateLimiter.ceilMillis(decision.retryAfterNanos());
            String wait = OpenAiDuration.format(decision.retryAfterNanos());
            ApiError error;
            switch (decision.rejectedBy()) {
                case REQUESTS -> {
                    BucketState requests = decision.requests();
                    error = ApiError.rateLimited("Rate limit reached for " + model + " in organization " + ORGANIZATION
                            + " on requests per min (RPM): Limit " + requests.limit() + ", Used " + requests.used()
                            + ", Requested 1. Please try again in " + wait + ". " + LIMITS_HINT, "requests");
                    tracker.rateLimited("requests");
                }
                case TOKENS -> {
                    BucketState tokens = decision.tokens();
                    error = ApiError.rateLimited("Rate limit reached for " + model + " in organization " + ORGANIZATION
                            + " on tokens per min (TPM): Limit " + tokens.limit() + ", Used " + tokens.used()
                            + ", Requested " + decision.requested() + ". Please try again in " + wait + ". "
                            + LIMITS_HINT, "tokens");
                    tracker.rateLimited("tokens");
                }
                default -> {
                    error = ApiError.rateLimited("Request too large for " + model + " in organization " + ORGANIZATION
                            + " on tokens per min (TPM): Limit " + decision.tokens().limit() + ", Requested "
                            + decision.requested() + ". The input or output tokens must be reduced in order to run "
                            + "successfully. " + LIMITS_HINT, "tokens");
                    tracker.rateLimited("tokens");
                }
            }
            if (retryMillis > 0) {
                response.putHeader("retry-after-ms", Long.toString(retryMillis));
                response.putHeader("Retry-After", Long.toString((retryMillis + 999) / 1000));
            }
            sendJson(429, error);
        }

        private void complete(ChatRequest request, Reply reply) {
            long delay = firstTokenDelay() + jittered(config.latency().perTokenMs() * reply.completionTokens());
            after(delay, () -> {
                Usage usage = new Usage(request.promptTokens(), reply.completionTokens());
                ChatCompletion completion = new ChatCompletion(completionId(), "chat.completion", nowSeconds(),
                        request.model(),
                        List.of(new ChatCompletion.Choice(0, new ChatCompletion.Message("assistant", reply.text(), null),
                                null, reply.finishReason())),
                        usage, FINGERPRINT);
                tracker.tokens(usage.promptTokens(), usage.completionTokens());
                tracker.outcome("200");
                sendJson(200, completion);
            });
        }

        private void stream(ChatRequest request, Reply reply) {
            String id = completionId();
            long created = nowSeconds();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            chunks.add(chunk(id, created, request, new ChatCompletionChunk.Delta("assistant", ""), null));
            for (String piece : reply.pieces()) {
                chunks.add(chunk(id, created, request, new ChatCompletionChunk.Delta(null, piece), null));
            }
            chunks.add(chunk(id, created, request, new ChatCompletionChunk.Delta(null, null), reply.finishReason()));
            Usage usage = new Usage(request.promptTokens(), reply.completionTokens());
            if (request.includeUsage()) {
                chunks.add(new ChatCompletionChunk(id, "chat.completion.chunk", created, request.model(), FINGERPRINT,
                        List.of(), usage));
            }
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache");
            after(firstTokenDelay(), () -> emit(chunks, 0, usage));
        }

        /** Writes chunk {@code index}, then schedules the next at the per-token pace. */
        private void emit(List<ChatCompletionChunk> chunks, int index, Usage usage) {
            int failAfter = config.faults().streamFailAfter();
            if (failAfter > 0 && index == failAfter && chunks.size() > failAfter) {
                cut("stream_failed");
                return;
            }
            if (index == chunks.size()) {
                tracker.tokens(usage.promptTokens(), usage.completionTokens());
                tracker.outcome("200");
                finished = true;
                response.end(DONE);
                tracker.end();
                return;
            }
            ChatCompletionChunk chunk = chunks.get(index);
            lastWrite = response.write(Buffer.buffer("data: ").appendBuffer(json(chunk)).appendString("\n\n"));
            String content = chunk.choices().isEmpty() ? null : chunk.choices().get(0).delta().content();
            long delay = content == null || content.isEmpty() ? 0
                    : jittered(config.latency().perTokenMs() * ReplyGenerator.tokens(content.strip().length()));
            Runnable next = () -> after(delay, () -> emit(chunks, index + 1, usage));
            if (response.writeQueueFull()) {
                response.drainHandler(drained -> next.run());
            } else {
                next.run();
            }
        }

        private ChatCompletionChunk chunk(String id, long created, ChatRequest request, ChatCompletionChunk.Delta delta,
                String finishReason) {
            return new ChatCompletionChunk(id, "chat.completion.chunk", created, request.model(), FINGERPRINT,
                    List.of(new ChatCompletionChunk.Choice(0, delta, null, finishReason)), null);
        }

        private void rateLimitHeaders(Decision decision) {
            header("requests", decision.requests());
            header("tokens", decision.tokens());
        }

        private void header(String kind, BucketState state) {
            if (state != null) {
                response.putHeader("x-ratelimit-limit-" + kind, Long.toString(state.limit()));
                response.putHeader("x-ratelimit-remaining-" + kind, Long.toString(state.remaining()));
                response.putHeader("x-ratelimit-reset-" + kind, OpenAiDuration.format(state.resetNanos()));
            }
        }

        /** Runs {@code action} on this event loop after {@code delayMillis}, unless the client has gone. */
        private void after(long delayMillis, Runnable action) {
            if (finished) {
                return;
            }
            if (delayMillis < 1) {
                action.run();
                return;
            }
            timerId = vertx.setTimer(delayMillis, id -> {
                timerId = -1;
                if (!finished) {
                    safely(action);
                }
            });
        }

        /** Runs {@code action}; a bug in it becomes a 500 (or a cut stream) instead of a request left in flight. */
        void safely(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.error("Simulated chat completion failed", e);
                if (finished) {
                    return;
                }
                if (response.headWritten()) {
                    cut("500");
                } else {
                    tracker.outcome("500");
                    sendJson(500, ApiError.serverError(500));
                }
            }
        }

        private void sendJson(int status, Object body) {
            finished = true;
            response.setStatusCode(status).putHeader("Content-Type", "application/json").end(json(body));
            tracker.end();
        }

        /**
         * Drops the connection without an answer or the rest of a stream, the way a crashing upstream does. Closing
         * only once the chunks already
         * written were flushed: a close in the same event-loop turn could discard them, and a real broken stream
         * delivers what was sent before it broke.
         */
        private void cut(String outcome) {
            tracker.outcome(outcome);
            finished = true;
            lastWrite.onComplete(written -> ctx.request().connection().close());
            tracker.end();
        }

        private void clientGone() {
            if (!finished) {
                finished = true;
                if (timerId >= 0) {
                    vertx.cancelTimer(timerId);
                }
            }
            tracker.end();
        }

        private long firstTokenDelay() {
            return jittered(config.latency().firstTokenMs());
        }

        private long jittered(long millis) {
            double jitter = config.latency().jitter();
            if (millis <= 0 || jitter <= 0) {
                return Math.max(0, millis);
            }
            double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
            return Math.round(millis * factor);
        }

        private Buffer json(Object value) {
            try {
                return Buffer.buffer(mapper.writeValueAsBytes(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
            }
        }
    }

    private static String completionId() {
        return "chatcmpl-sim" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private static long nowSeconds() {
        return Instant.now().getEpochSecond();
    }
}
