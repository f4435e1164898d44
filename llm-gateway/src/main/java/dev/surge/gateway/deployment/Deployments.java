package dev.surge.gateway.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.surge.gateway.GatewayConfig;
import io.vertx.core.Vertx;

/**
 * The deployments and models of {@code surge.gateway.deployments.*} and {@code surge.gateway.models.*}, checked at
 * startup: a model naming an unknown deployment or fallback stops the gateway with a message saying which.
 * Without deployments the single {@code surge.gateway.upstream.*} is the deployment
 * {@value GatewayConfig#DEFAULT_DEPLOYMENT}; without models every model name goes to every deployment as named.
 */
@Singleton
public class Deployments {

    /** In {@code surge.gateway.models.<model>.deployments}: every configured deployment. */
    static final String ALL = "*";

    private final List<Deployment> all;
    private final Map<String, ModelRoute> routes;

    @Inject
    Deployments(Vertx vertx, GatewayConfig config) {
        Map<String, GatewayConfig.Deployment> configured = config.deployments().isEmpty()
                ? Map.of(GatewayConfig.DEFAULT_DEPLOYMENT, config.upstream())
                : config.deployments();
        Map<String, Deployment> byName = new TreeMap<>();
        configured.forEach((name, settings) -> byName.put(name, create(vertx, config, name, settings)));
        this.all = List.copyOf(byName.values());
        Map<String, ModelRoute> models = new LinkedHashMap<>();
        new TreeMap<>(config.models()).forEach((model, settings) ->
                models.put(model, route(model, settings, config.models(), byName)));
        this.routes = Map.copyOf(models);
    }

    /** Where calls to {@code model} go, or empty when no such model is configured. */
    public Optional<ModelRoute> route(String model) {
        if (routes.isEmpty()) {
            return Optional.of(new ModelRoute(model, all.stream()
                    .map(deployment -> new ModelRoute.Target(deployment, deployment.upstreamModel(model), 0))
                    .toList()));
        }
        return Optional.ofNullable(routes.get(model));
    }

    /** What {@code GET /v1/models} lists, sorted: the configured models, else {@value GatewayConfig#DEFAULT_MODEL}. */
    public List<String> models() {
        return routes.isEmpty() ? List.of(GatewayConfig.DEFAULT_MODEL) : routes.keySet().stream().sorted().toList();
    }

    /** Every deployment, sorted by name. */
    public List<Deployment> all() {
        return all;
    }

    @PreDestroy
    void close() {
        all.forEach(Deployment::close);
    }

    private static Deployment create(Vertx vertx, GatewayConfig config, String name,
            GatewayConfig.Deployment settings) {
        if (settings.weight() < 1) {
            throw new IllegalStateException("surge.gateway.deployments." + name + ".weight must be at least 1.");
        }
        GatewayConfig.Breaker breaker = config.breaker();
        GatewayConfig.RetryBudget budget = config.retryBudget();
        return new Deployment(name, settings.weight(), settings.model().orElse(null),
                new UpstreamClient(vertx, settings),
                new UpstreamPacer(vertx, new UpstreamPacer.Settings(settings.pacing(), config.maxRetryAfter(),
                        settings.burst(), settings.rpm().orElse(0), settings.tpm().orElse(0), settings.headroom())),
                new DeploymentBreaker("surge-deployment-" + name, breaker.window(), breaker.failureRatio(),
                        breaker.delay()),
                new RetryBudget(budget.ratio(), budget.minPerSecond(), budget.window()));
    }

    private static ModelRoute route(String model, GatewayConfig.Model settings, Map<String, GatewayConfig.Model> models,
            Map<String, Deployment> deployments) {
        List<ModelRoute.Target> targets = new ArrayList<>();
        addTargets(targets, model, settings, 0, deployments);
        List<String> fallbacks = settings.fallbacks().orElse(List.of());
        for (int i = 0; i < fallbacks.size(); i++) {
            String fallback = fallbacks.get(i);
            GatewayConfig.Model fallbackSettings = models.get(fallback);
            if (fallbackSettings == null || fallback.equals(model)) {
                throw new IllegalStateException("surge.gateway.models." + model + ".fallbacks names '" + fallback
                        + "', which is not another configured model (configured: " + models.keySet() + ").");
            }
            addTargets(targets, fallback, fallbackSettings, i + 1, deployments);
        }
        return new ModelRoute(model, List.copyOf(targets));
    }

    private static void addTargets(List<ModelRoute.Target> targets, String model, GatewayConfig.Model settings,
            int group, Map<String, Deployment> deployments) {
        List<String> names = settings.deployments().contains(ALL) ? List.copyOf(deployments.keySet())
                : settings.deployments();
        for (String name : names) {
            Deployment deployment = deployments.get(name.trim());
            if (deployment == null) {
                throw new IllegalStateException("surge.gateway.models." + model + ".deployments names '" + name
                        + "', which is not a configured deployment (configured: " + deployments.keySet() + ").");
            }
            targets.add(new ModelRoute.Target(deployment, deployment.upstreamModel(model), group));
        }
    }
}
