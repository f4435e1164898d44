package dev.surge.agent.security;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Fails closed: outside dev and test, agent-service refuses to start unless it can verify callers, and says what to
 * set. A JWT key without an expected issuer and audience would accept any token the key ever signed, so those are
 * required with it.
 */
@ApplicationScoped
public class AuthenticationCheck {

    private static final List<String> JWT_KEYS = List.of("mp.jwt.verify.publickey.location", "mp.jwt.verify.publickey",
            "smallrye.jwt.verify.key.location", "smallrye.jwt.verify.key");

    private final Config config;
    private final ApiKeyAuthentication apiKeys;

    public AuthenticationCheck(Config config, ApiKeyAuthentication apiKeys) {
        this.config = config;
        this.apiKeys = apiKeys;
    }

    void check(@Observes StartupEvent start) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        boolean jwt = JWT_KEYS.stream().anyMatch(key -> config.getOptionalValue(key, String.class).isPresent());
        if (!jwt && !apiKeys.configured()) {
            throw new IllegalStateException("agent-service cannot verify any caller and will not start: set "
                    + "MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM or JWK file, or the issuer's JWKS URL) together with "
                    + "MP_JWT_VERIFY_ISSUER and MP_JWT_VERIFY_AUDIENCES, and/or configure service keys as "
                    + "SURGE_AUTH_API_KEYS_<NAME>_SHA256 (see README.md, Authentication)");
        }
        if (jwt && (config.getOptionalValue("mp.jwt.verify.issuer", String.class).isEmpty()
                || config.getOptionalValue("mp.jwt.verify.audiences", String.class).isEmpty())) {
            throw new IllegalStateException("agent-service verifies JWTs but does not know whose: set "
                    + "MP_JWT_VERIFY_ISSUER (the expected iss) and MP_JWT_VERIFY_AUDIENCES (the expected aud)");
        }
    }
}
