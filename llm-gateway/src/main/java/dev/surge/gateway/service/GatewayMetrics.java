package dev.surge.gateway.service;

import java.time.Duration;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.surge.gateway.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's meters, scraped at {@code /q/metrics}. The {@code model} tag takes only the models of
 * {@code surge.gateway.models} (others count as {@code other}), so callers cannot blow up the series count.
 */
@ApplicationScoped
public class GatewayMetrics {

    /** The {@code model} tag of calls refused before their body was read. */
    public static final String UNKNOWN_MODEL = "unknown";

    private final MeterRegistry registry;
    private final Set<String> models;
    private final Counter shed;
    private final Timer retryWait;

    @Inject
    GatewayMetrics(MeterRegistry registry, GatewayConfig config, InFlightLimiter limiter, UpstreamPacer pacer) {
        this.registry = registry;
        this.models = Set.copyOf(config.models());
        this.shed = Counter.builder("surge.gateway.requests.shed")
                .description("Calls answered 429 gateway_overloaded without reaching the upstream")
                .register(registry);
        this.retryWait = Timer.builder("surge.gateway.retry.wait")
                .description("Time waited between an upstream failure and the next attempt")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("surge.gateway.in.flight", limiter, InFlightLimiter::inFlight)
                .description("Calls holding an in-flight slot towards the upstream")
                .register(registry);
        Gauge.builder("surge.gateway.queued", limiter, InFlightLimiter::queued)
                .description("Calls waiting for an in-flight slot")
                .register(registry);
        Gauge.builder("surge.gateway.paced", pacer, UpstreamPacer::waiting)
                .description("Attempts waiting for room under the upstream's announced request rate")
                .register(registry);
    }

    /** A call ended: counted and timed by model and outcome (e.g. success, retries_exhausted, shed). */
    public void requestCompleted(String model, String outcome, Duration duration) {
        Timer.builder("surge.gateway.requests")
                .description("Calls to /v1/chat/completions, by model and outcome, from arrival to last byte")
                .tag("model", modelTag(model))
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(duration);
    }

    /** One upstream attempt got an answer (its status) or none ({@code connect_error}, {@code timeout}, ...). */
    public void upstreamAttempt(String status, Duration timeToHeaders) {
        Timer.builder("surge.gateway.upstream.attempts")
                .description("Attempts sent upstream, by status, timed until the upstream's response headers")
                .tag("status", status)
                .publishPercentileHistogram()
                .register(registry)
                .record(timeToHeaders);
    }

    /** A retry was scheduled after a failure with this status or reason. */
    public void retryScheduled(String reason, Duration wait) {
        Counter.builder("surge.gateway.retries")
                .description("Retries scheduled, by the status or reason of the failed attempt")
                .tag("reason", reason)
                .register(registry)
                .increment();
        retryWait.record(wait);
    }

    /** A call was shed for overload. */
    public void shed() {
        shed.increment();
    }

    private String modelTag(String model) {
        if (model == null || UNKNOWN_MODEL.equals(model)) {
            return UNKNOWN_MODEL;
        }
        return models.contains(model) ? model : "other";
    }
}
