package dev.surge.gateway.deployment;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One deployment at run time: its client, pacer, breaker and retry budget, and what the gateway has learned about
 * it (in-flight attempts, recent latency, how many tokens its prompts really take).
 */
public final class Deployment {

    /** Characters per token of the first estimate, before any {@code usage} corrects it (OpenAI's rule of thumb). */
    static final int CHARS_PER_TOKEN = 4;
    /** Weight of the newest sample in the running averages. */
    private static final double SMOOTHING = 0.2;

    private final String name;
    private final int weight;
    private final String upstreamModel;
    private final UpstreamClient client;
    private final UpstreamPacer pacer;
    private final DeploymentBreaker breaker;
    private final RetryBudget budget;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Mean time to response headers of recent successful attempts, in nanoseconds; 0 until one is seen. Volatile,
     * not locked: two event loops updating it at once may lose one sample, which a running average can afford.
     */
    private volatile double latencyNanos;
    /** Real prompt tokens per estimated one, as {@code usage} reports them; 1 until one is seen. Same as above. */
    private volatile double promptCorrection = 1;

    Deployment(String name, int weight, String upstreamModel, UpstreamClient client, UpstreamPacer pacer,
            DeploymentBreaker breaker, RetryBudget budget) {
        this.name = name;
        this.weight = weight;
        this.upstreamModel = upstreamModel;
        this.client = client;
        this.pacer = pacer;
        this.breaker = breaker;
        this.budget = budget;
    }

    /** The configured name: in {@code x-surge-deployment}, metric tags and logs. */
    public String name() {
        return name;
    }

    /** The model name sent upstream for a call to {@code model}: the deployment's own if it has one. */
    public String upstreamModel(String model) {
        return upstreamModel != null ? upstreamModel : model;
    }

    public UpstreamClient client() {
        return client;
    }

    public UpstreamPacer pacer() {
        return pacer;
    }

    public DeploymentBreaker breaker() {
        return breaker;
    }

    public RetryBudget budget() {
        return budget;
    }

    /** The first estimate of a prompt's tokens from its characters, before any correction. */
    public static long promptTokens(long chars) {
        return Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }

    /** Tokens a request is charged when paced here: its prompt as corrected by this deployment's usage, plus its maximum. */
    public long pacingCost(long promptChars, long maxTokens) {
        return Math.round(promptTokens(promptChars) * promptCorrection) + maxTokens;
    }

    /** Whether a request needing {@code tokens} can never be admitted under the token limit known here. */
    public boolean neverFits(long tokens) {
        long limit = pacer.tokenLimit();
        return limit > 0 && tokens > limit;
    }

    /** An attempt went out; pair with {@link #attemptEnded()}. */
    public void attemptStarted() {
        inFlight.incrementAndGet();
    }

    /** An attempt is over: its answer read or relayed, or abandoned. */
    public void attemptEnded() {
        inFlight.decrementAndGet();
    }

    /** Attempts out now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Mean time to headers of recent successful attempts in nanoseconds, 0 while unknown. */
    public double latencyNanos() {
        return latencyNanos;
    }

    /** A successful attempt got its headers after {@code nanos}. */
    public void answeredAfter(long nanos) {
        double mean = latencyNanos;
        latencyNanos = mean == 0 ? nanos : mean + SMOOTHING * (nanos - mean);
    }

    /** An answer's {@code usage} said the prompt of {@code promptChars} characters took {@code promptTokens}. */
    public void promptUsage(long promptChars, long promptTokens) {
        if (promptTokens <= 0) {
            return;
        }
        // Bounded, so that one odd answer (a cached prompt, a tool schema) cannot skew pacing far.
        double sample = Math.min(2, Math.max(0.5, (double) promptTokens / promptTokens(promptChars)));
        promptCorrection += SMOOTHING * (sample - promptCorrection);
    }

    /** The share of traffic among deployments that could serve a call equally soon. */
    public int weight() {
        return weight;
    }

    void close() {
        client.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
