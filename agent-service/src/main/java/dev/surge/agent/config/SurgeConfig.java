package dev.surge.agent.config;

import java.net.URI;
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

    /** Who may call the API. */
    Auth auth();

    /** Limits per owner (the caller a task belongs to). */
    Quotas quotas();

    /** {@code GET /tasks}, the caller's own tasks. */
    TaskList taskList();

    /** Server-sent event streams. */
    Stream stream();

    /**
     * Base URL that {@code Location} headers are built from, such as {@code https://api.example.com}; unset, they are
     * relative ({@code /tasks/...}). Never taken from the request's {@code Host} header.
     */
    Optional<URI> publicBaseUrl();

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

        /** Largest {@code params.max_tokens} a task of this agent may ask for; more is refused with 400. */
        @WithDefault("4096")
        int maxTokensCap();
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

        /**
         * A task with no message for this long ends (COMPLETED) by a workflow timer; a reply in flight keeps it open.
         * Applies to tasks created after a change.
         */
        @WithDefault("24h")
        Duration idleTimeout();
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

        /**
         * This replica's name, which names its own task queue ({@code <task-queue>-<replica-id>}) where the replies
         * streamed to its callers are written; a random one per start when unset. Set it to the pod name.
         */
        Optional<String> replicaId();

        /** Port of the embedded Temporal server; a free port is used when it is taken. */
        @WithDefault("7233")
        int embeddedPort();

        /**
         * Deadline of every call to Temporal made while a request waits (describe, query, signal, cancel, the start of
         * an update). Keep it well below the callers' HTTP timeout: past it the request answers 503 with
         * {@code Retry-After} instead of holding a thread.
         */
        @WithDefault("10s")
        Duration callTimeout();
    }

    /** Who may call the API: bearer JWTs ({@code mp.jwt.verify.*}), static API keys, the dev identity. */
    interface Auth {

        /** JWT claim that names the caller's tenant; a token without it belongs to the empty tenant. */
        @WithDefault("tenant")
        String tenantClaim();

        /**
         * Static API keys for service callers, by name, presented in the {@code X-Api-Key} header. Each caller acts
         * as subject {@code api-key:<name>} of its tenant.
         */
        Map<String, ApiKey> apiKeys();

        /** The identity of requests without credentials, in dev mode only. */
        DevIdentity devIdentity();
    }

    /** One service caller's API key. */
    interface ApiKey {

        /** Hex SHA-256 of the key ({@code printf %s "$KEY" | sha256sum}); the key itself is never configured. */
        String sha256();

        /** The tenant the caller belongs to; the empty tenant when unset. */
        Optional<String> tenant();
    }

    /** Dev mode only (the bean does not exist in a production build): who a request without credentials is. */
    interface DevIdentity {

        /** Whether requests without credentials act as this identity in dev mode; false answers 401 as in prod. */
        @WithDefault("true")
        boolean enabled();

        /** The dev identity's subject. */
        @WithDefault("dev")
        String subject();

        /** The dev identity's tenant. */
        @WithDefault("dev")
        String tenant();
    }

    /**
     * Limits per owner. The per-minute rates and the stream counts are kept by each replica (with N replicas an
     * owner may reach N times the rate); open tasks are counted across replicas, by the owner's directory workflow.
     */
    interface Quotas {

        /** Tasks one owner may create per minute (per replica). */
        @WithDefault("30")
        int tasksPerMinute();

        /** Messages one owner may post per minute (per replica); a re-sent POST counts too. */
        @WithDefault("60")
        int messagesPerMinute();

        /** Tasks one owner may have RUNNING at once, across replicas. */
        @WithDefault("20")
        int openTasksPerOwner();

        /** {@code /stream} subscriptions one owner may hold at once (per replica). */
        @WithDefault("5")
        int streamsPerOwner();

        /** {@code /stream} subscriptions open at once in all (per replica). */
        @WithDefault("1000")
        int streams();

        /** {@code Retry-After} of a 429 for a quota that frees up only when something ends (open tasks, streams). */
        @WithDefault("30s")
        Duration retryAfter();
    }

    /** Server-sent event streams. */
    interface Stream {

        /** How often a quiet stream sends a {@code :} comment, so that proxies and clients keep it open. */
        @WithDefault("15s")
        Duration keepalive();

        /**
         * How long a streamed reply waits for the replica holding the caller's connection to start writing it; past
         * it (the replica is gone) the reply is written by any replica, unstreamed, and still stored once.
         */
        @WithDefault("10s")
        Duration replicaPickupTimeout();
    }

    /** {@code GET /tasks}, the caller's own tasks. */
    interface TaskList {

        /** Page size when {@code limit} is not given. */
        @WithDefault("20")
        int defaultPageSize();

        /** Largest accepted {@code limit}. */
        @WithDefault("100")
        int maxPageSize();
    }
}
