package dev.surge.gateway.service;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.surge.gateway.GatewayConfig;
import dev.surge.gateway.deployment.Deployment;
import dev.surge.gateway.deployment.Deployments;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's meters, scraped at {@code /q/metrics}. The {@code model} tag takes only the models the gateway
 * lists (others count as {@code other}) and the {@code deployment} tag only configured deployment names, so
 * callers cannot blow up the series count. Per-deployment meters are registered once, at startup, or once per
 * status seen.
 *
 * <p>On the hot path a call costs a few map reads and atomic adds: each meter is registered once and then found
 * in a map keyed by plain strings (never by building an id and its tags per call), and percentile histograms are
 * published only when {@code surge.gateway.metrics-percentile-histograms} asks for them.
 */
@Singleton
public class GatewayMetrics {

    /** The {@code model} tag of calls refused before their body was read. */
    public static final String UNKNOWN_MODEL = "unknown";

    private final MeterRegistry registry;
    private final boolean histograms;
    private final Set<String> models;
    /** Call timers by model tag, then outcome: both bounded (listed models, the gateway's outcomes). */
    private final Map<String, Map<String, Timer>> requests = new ConcurrentHashMap<>();
    /** Attempt timers by status or failure reason. */
    private final Map<String, Timer> attemptTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Counter shed;
    private final Timer retryWait;
    private final Map<Deployment, Counter> retriesRefused = new ConcurrentHashMap<>();
    /** Attempt counters by deployment, then status: a handful of statuses per deployment. */
    private final Map<Deployment, Map<String, Counter>> attempts = new ConcurrentHashMap<>();

    @Inject
    GatewayMetrics(MeterRegistry registry, Deployments deployments, InFlightLimiter limiter, GatewayConfig config) {
        this.registry = registry;
        this.histograms = config.metricsPercentileHistograms();
        this.models = Set.copyOf(deployments.models());
        this.shed = Counter.builder("surge.gateway.requests.shed")
                .description("Calls answered 429 gateway_overloaded without reaching the upstream")
                .register(registry);
        this.retryWait = Timer.builder("surge.gateway.retry.wait")
                .description("Time waited between an upstream failure and the next attempt")
                .publishPercentileHistogram(histograms)
                .register(registry);
        Gauge.builder("surge.gateway.in.flight", limiter, InFlightLimiter::inFlight)
                .description("Calls holding an in-flight slot towards the upstream")
                .register(registry);
        Gauge.builder("surge.gateway.queued", limiter, InFlightLimiter::queued)
                .description("Calls waiting for an in-flight slot")
                .register(registry);
        Gauge.builder("surge.gateway.paced", deployments,
                        all -> all.all().stream().mapToInt(deployment -> deployment.pacer().waiting()).sum())
                .description("Attempts waiting for room under their deployment's announced rates")
                .register(registry);
        deployments.all().forEach(this::registerDeployment);
    }

    /** A call ended: counted and timed by model and outcome (e.g. success, retries_exhausted, shed). */
    public void requestCompleted(String model, String outcome, Duration duration) {
        requests.computeIfAbsent(modelTag(model), m -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> Timer.builder("surge.gateway.requests")
                        .description("Calls to /v1/chat/completions, by model and outcome, from arrival to last byte")
                        .tag("model", modelTag(model))
                        .tag("outcome", o)
                        .publishPercentileHistogram(histograms)
                        .register(registry))
                .record(duration);
    }

    /**
     * One upstream attempt got an answer (its status) or none ({@code connect_error}, {@code timeout}, ...): timed
     * across deployments, counted per deployment.
     */
    public void upstreamAttempt(Deployment deployment, String status, Duration timeToHeaders) {
        attemptTimers.computeIfAbsent(status, s -> Timer.builder("surge.gateway.upstream.attempts")
                        .description("Attempts sent upstream, by status, timed until the upstream's response headers")
                        .tag("status", s)
                        .publishPercentileHistogram(histograms)
                        .register(registry))
                .record(timeToHeaders);
        attempts.computeIfAbsent(deployment, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> Counter.builder("surge.gateway.deployment.attempts")
                        .description("Attempts sent to a deployment, by status or failure reason")
                        .tag("deployment", deployment.name())
                        .tag("status", s)
                        .register(registry))
                .increment();
    }

    /** A retry was scheduled after a failure with this status or reason. */
    public void retryScheduled(String reason, Duration wait) {
        retries.computeIfAbsent(reason, r -> Counter.builder("surge.gateway.retries")
                        .description("Retries scheduled, by the status or reason of the failed attempt")
                        .tag("reason", r)
                        .register(registry))
                .increment();
        retryWait.record(wait);
    }

    /** A failure was answered without the retry it could have had: the deployment's retry budget was spent. */
    public void retryRefused(Deployment deployment) {
        retriesRefused.get(deployment).increment();
    }

    /** A call was shed for overload. */
    public void shed() {
        shed.increment();
    }

    private void registerDeployment(Deployment deployment) {
        retriesRefused.put(deployment, Counter.builder("surge.gateway.deployment.retries.refused")
                .description("Failures answered without a retry because the deployment's retry budget was spent")
                .tag("deployment", deployment.name())
                .register(registry));
        gauge("surge.gateway.deployment.breaker", null, deployment, d -> d.breaker().stateCode(),
                "Breaker state of a deployment: 0 closed, 1 half-open, 2 open");
        gauge("surge.gateway.deployment.cooldown", "seconds", deployment,
                d -> seconds(Math.max(d.breaker().returnsInNanos(), d.pacer().pausedForNanos())),
                "Time until a cooling deployment (open breaker, or a 429's pause) takes attempts again; 0 if it does");
        gauge("surge.gateway.deployment.predicted.wait", "seconds", deployment,
                d -> seconds(d.pacer().predictedWaitNanos(1)),
                "Time a one-token attempt queued now would wait for its turn at the deployment");
        gauge("surge.gateway.deployment.in.flight", null, deployment, Deployment::inFlight,
                "Attempts out at a deployment");
        Gauge.builder("surge.gateway.deployment.limit", deployment, d -> d.pacer().requestLimit())
                .description("Per-minute limit of a deployment, announced or configured; 0 while unknown")
                .tag("deployment", deployment.name())
                .tag("kind", "requests")
                .register(registry);
        Gauge.builder("surge.gateway.deployment.limit", deployment, d -> d.pacer().tokenLimit())
                .description("Per-minute limit of a deployment, announced or configured; 0 while unknown")
                .tag("deployment", deployment.name())
                .tag("kind", "tokens")
                .register(registry);
    }

    private void gauge(String name, String unit, Deployment deployment, ToDoubleFunction<Deployment> value,
            String description) {
        Gauge.builder(name, deployment, value)
                .description(description)
                .baseUnit(unit)
                .tag("deployment", deployment.name())
                .register(registry);
    }

    private static double seconds(long nanos) {
        return nanos / (double) TimeUnit.SECONDS.toNanos(1);
    }

    private String modelTag(String model) {
        if (model == null || UNKNOWN_MODEL.equals(model)) {
            return UNKNOWN_MODEL;
        }
        return models.contains(model) ? model : "other";
    }
}
