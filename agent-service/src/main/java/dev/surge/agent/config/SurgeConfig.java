package dev.surge.agent.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** agent-service settings, under {@code surge.*}. */
@ConfigMapping(prefix = "surge")
public interface SurgeConfig {

    /** Agent used when {@code POST /tasks} names none. */
    @WithDefault("default")
    String defaultAgent();

    /** The agents frontends can talk to, by name ({@code surge.agents.<name>.*}). */
    Map<String, Agent> agents();

    /** Calls to llm-gateway. */
    Llm llm();

    /** Limits of user messages and of waiting for replies. */
    Messages messages();

    /** Conversation workflows. */
    Conversation conversation();

    /** Where conversations run. */
    Temporal temporal();

    /** One agent: a model with a system prompt and generation parameters. */
    interface Agent {

        /** Model name sent to the gateway. */
        @WithDefault("gpt-4o-mini")
        String model();

        /** System prompt sent before the conversation, if any. */
        Optional<String> systemPrompt();

        /** Sampling temperature; the model's default when unset. */
        Optional<Double> temperature();

        /** Reply length cap in tokens; the model's default when unset. */
        OptionalInt maxTokens();

        /** Nucleus sampling; the model's default when unset. */
        Optional<Double> topP();
    }

    /** Calls to llm-gateway. */
    interface Llm {

        /** The gateway API key sent as {@code Authorization: Bearer} (env {@code SURGE_LLM_GATEWAY_API_KEY}). */
        Optional<String> gatewayApiKey();

        /**
         * Sent as the gateway's {@code timeout}: the gateway bounds its upstream retries and waits by it and, rather
         * than start a wait that would overrun it, answers at once with the last upstream status and its
         * {@code Retry-After}. Keep it below the REST client's per-attempt {@code @Timeout} (60 s), so that the
         * gateway, which owns upstream retries, ends the call with its reason instead of being cut off.
         */
        @WithDefault("55s")
        Duration gatewayDeadline();

        /**
         * Start-to-close timeout of one LLM activity attempt: its wait for a turn towards the gateway and the call,
         * the REST client's own retries included. A worker that dies is noticed by the heartbeat timeout instead.
         */
        @WithDefault("5m")
        Duration activityTimeout();

        /**
         * Heartbeat timeout of LLM activities: each waiting or running call heartbeats at a third of it, so a
         * reply whose worker died is retried by another worker this long after the last heartbeat.
         */
        @WithDefault("15s")
        Duration heartbeatTimeout();

        /**
         * LLM calls in flight towards the gateway at once on this instance; further calls wait, in the order their
         * messages were accepted, holding no thread. Set in application.properties to the REST client's
         * connection pool size.
         */
        int maxConcurrentCalls();

        /**
         * Upstream calls one message may cost in all: the gateway's retries and Temporal's later attempts share it
         * (each attempt passes what is left as the gateway's {@code num_retries}), so retries cannot multiply.
         */
        @WithDefault("4")
        int upstreamCallBudget();

        /**
         * On shutdown (SIGTERM), how long calls already in flight may take to finish; calls still waiting for a
         * turn, and those not finished by then, are handed back to Temporal to be retried by another instance.
         */
        @WithDefault("20s")
        Duration shutdownGrace();

        /** The Temporal retry policy of LLM activities ({@code DEFAULT_RETRY_POLICY}). */
        Retry retry();
    }

    /** Numbers of the Temporal retry policy of LLM activities. */
    interface Retry {

        /** Attempts in all, the first included; 1 disables retries. */
        @WithDefault("3")
        int maximumAttempts();

        /** Delay before the first retry. */
        @WithDefault("1s")
        Duration initialInterval();

        /** Growth of the delay per retry. */
        @WithDefault("2.0")
        double backoffCoefficient();

        /** Cap of the delay between retries. */
        @WithDefault("30s")
        Duration maximumInterval();
    }

    /** Limits of user messages and of waiting for replies. */
    interface Messages {

        /** Longest accepted message, in characters; longer ones get 413. */
        @WithDefault("16000")
        int maxContentLength();

        /** How long {@code POST /tasks/{id}/messages} waits for the reply before answering 202. */
        @WithDefault("60s")
        Duration replyWait();

        /** Page size of {@code GET /tasks/{id}/messages} when {@code limit} is not given. */
        @WithDefault("50")
        int defaultPageSize();

        /** Largest accepted {@code limit}. */
        @WithDefault("500")
        int maxPageSize();

        /** Delay a 503 answer suggests in {@code Retry-After} when the gateway gave none. */
        @WithDefault("5s")
        Duration defaultRetryAfter();
    }

    /** Conversation workflows. */
    interface Conversation {

        /** How many recent messages are sent to the model as context. */
        @WithDefault("40")
        int contextMessages();

        /** Continue-as-new after this many messages in one run, if Temporal has not suggested it before. */
        @WithDefault("1000")
        int maxMessagesPerRun();

        /** How often {@code GET /tasks/{id}/stream} polls the conversation for new events. */
        @WithDefault("500ms")
        Duration streamPollInterval();
    }

    /** Where conversations run. */
    interface Temporal {

        /** Task queue of conversation workflows and LLM activities. */
        @WithDefault("surge-conversations")
        String taskQueue();

        /**
         * Start an embedded, in-memory Temporal test server. Unset: embedded exactly when
         * {@code quarkus.temporal.connection.target} is not configured. Read by
         * {@link EmbeddedTemporalConfigSourceFactory} before the workers start.
         */
        Optional<Boolean> embedded();

        /** Port of the embedded Temporal server; a free port is used when it is taken. */
        @WithDefault("7233")
        int embeddedPort();
    }
}
