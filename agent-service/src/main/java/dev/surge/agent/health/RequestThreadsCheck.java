package dev.surge.agent.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness that needs a request thread: SmallRye Health runs a blocking check on the same worker pool as the API, so
 * when nothing can take a request any more (every thread parked) the probe gets no answer, fails, and Kubernetes
 * restarts the pod instead of reporting it alive. (Every Temporal call of a request has a deadline, so no input
 * should get there; this is the backstop.) Readiness comes from quarkus-temporal: the cluster answers.
 */
@Liveness
@ApplicationScoped
public class RequestThreadsCheck implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("request threads");
    }
}
