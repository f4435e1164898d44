package dev.surge.agent.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.logging.Logger;

import dev.surge.agent.config.SurgeConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Dev mode only (absent from any other build): a request without credentials acts as the dev identity
 * ({@code surge.auth.dev-identity.*}), so that {@code ./mvnw quarkus:dev} and a plain curl work with no set-up. Said
 * loudly at start. Requests with credentials are verified as in production.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevIdentityAuthentication implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(DevIdentityAuthentication.class);

    private final SurgeConfig.DevIdentity dev;

    public DevIdentityAuthentication(SurgeConfig config) {
        this.dev = config.auth().devIdentity();
    }

    void announce(@Observes StartupEvent start) {
        if (dev.enabled()) {
            LOG.warnf("DEV IDENTITY: requests without credentials act as subject '%s' of tenant '%s' (dev mode only). "
                    + "A token for another caller: curl -X POST 'localhost:8080/dev/tokens?subject=alice&tenant=acme'",
                    dev.subject(), dev.tenant());
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!dev.enabled() || context.request().getHeader(HttpHeaders.AUTHORIZATION) != null
                || context.request().getHeader(ApiKeyAuthentication.HEADER) != null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(dev.subject()))
                .addAttribute(Callers.TENANT_ATTRIBUTE, dev.tenant())
                .build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(Challenges.unauthorized(false));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }
}
