package dev.surge.agent.security;

import java.security.Principal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.surge.agent.Owner;
import dev.surge.agent.config.SurgeConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Turns an authenticated caller into the {@link Owner} its tasks belong to: for a bearer JWT its {@code sub} claim
 * and its tenant claim ({@code surge.auth.tenant-claim}); for an API key or the dev identity, the subject and the
 * tenant their mechanism set.
 */
@ApplicationScoped
public class Callers {

    /** Identity attribute carrying the tenant of a caller that did not present a JWT. */
    public static final String TENANT_ATTRIBUTE = "surge.tenant";

    private final String tenantClaim;

    public Callers(SurgeConfig config) {
        this.tenantClaim = config.auth().tenantClaim();
    }

    /** The owner acting in this request; 401 for an anonymous caller or a token without a subject. */
    public Owner owner(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            throw new UnauthorizedException();
        }
        Principal principal = identity.getPrincipal();
        if (principal instanceof JsonWebToken token) {
            String subject = token.getSubject();
            if (subject == null || subject.isBlank()) {
                throw new AuthenticationFailedException("the token has no subject");
            }
            return new Owner(text(token.getClaim(tenantClaim)), subject);
        }
        String tenant = identity.getAttribute(TENANT_ATTRIBUTE);
        return new Owner(tenant == null ? "" : tenant, principal.getName());
    }

    private static String text(Object claim) {
        if (claim == null) {
            return "";
        }
        return claim instanceof JsonString json ? json.getString() : claim.toString();
    }
}
