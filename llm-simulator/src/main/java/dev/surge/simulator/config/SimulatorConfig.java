package dev.surge.simulator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Start-up settings of the simulator. Every key can be set as an environment variable
 * ({@code surge.simulator.max-concurrent-per-key} is {@code SURGE_SIMULATOR_MAX_CONCURRENT_PER_KEY}).
 * The runtime knobs (limits, latency, faults) can be changed later through {@code PUT /sim/config}.
 */
@ConfigMapping(prefix = "surge.simulator")
public interface SimulatorConfig {

    /** Requests per minute per API key, continuously refilling buckets (see {@code burst}); 0 turns the limit off. */
    @WithDefault("600")
    int rpm();

    /** Tokens per minute per API key (prompt plus requested maximum, charged up front); 0 turns the limit off. */
    @WithDefault("200000")
    int tpm();

    /**
     * The per-minute limits are also enforced over this shorter window, as OpenAI does: a key may spend at most
     * this window's share of a limit at once (1s of 600 RPM is 10 requests), while the headers still announce the
     * per-minute limit. 0 enforces them over the whole minute only (a bare number is milliseconds).
     */
    @WithDefault("1s")
    @WithConverter(MillisOrDurationConverter.class)
    Duration burst();

    /** Requests one API key may have in flight at once; more are answered 429; 0 turns the cap off. */
    @WithDefault("0")
    int maxConcurrentPerKey();

    /** Completion tokens charged against TPM, and the reply cap, when a request sets neither max_tokens nor max_completion_tokens. */
    @WithDefault("256")
    int defaultMaxTokens();

    /** Model ids listed by {@code GET /v1/models}; any model name is accepted by chat completions. */
    @WithDefault("gpt-4o-mini,gpt-4o,gpt-4.1-mini,gpt-4.1")
    List<String> models();

    /**
     * The key that {@code /sim/*} (settings, stats, reset) require as {@code Authorization: Bearer}; unset, they are
     * open, as befits a test tool on a private network. Chat completions never need it.
     */
    Optional<String> controlKey();

    /** How long answers take. */
    Latency latency();

    /** Injected failures. */
    Faults faults();

    /** Latency of an answer: time to first token plus time per output token, each with jitter. */
    interface Latency {

        /** Time to first token (a bare number is milliseconds). */
        @WithDefault("200ms")
        @WithConverter(MillisOrDurationConverter.class)
        Duration firstToken();

        /** Time per output token (a bare number is milliseconds). */
        @WithDefault("10ms")
        @WithConverter(MillisOrDurationConverter.class)
        Duration perToken();

        /** Relative jitter applied to each wait: 0.2 draws every delay uniformly within +/-20%. */
        @WithDefault("0.2")
        double jitter();
    }

    /** Shares of requests that fail, drawn independently per admitted request. */
    interface Faults {

        /** Share of admitted requests answered 500, 502 or 503 (equally likely) after the first-token delay. */
        @WithDefault("0")
        double errorRate();

        /** Share of admitted requests whose connection is reset after the first-token delay. */
        @WithDefault("0")
        double resetRate();

        /** Share of admitted requests that never answer (until {@code hang-for} passes, then the connection is reset). */
        @WithDefault("0")
        double hangRate();

        /** How long a hanging request holds its connection before it is reset. */
        @WithDefault("10m")
        @WithConverter(MillisOrDurationConverter.class)
        Duration hangFor();

        /** A stream is cut (connection reset, no [DONE]) after this many chunks; 0 turns it off. */
        @WithDefault("0")
        int streamFailAfter();

        /** When true every chat request is answered 429 insufficient_quota, as OpenAI does for an exhausted account. */
        @WithDefault("false")
        boolean insufficientQuota();
    }
}
