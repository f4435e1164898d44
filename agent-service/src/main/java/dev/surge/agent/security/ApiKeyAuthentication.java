package dev.surge.agent.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.surge.agent.config.SurgeConfig;
import io.quarkus.security.AuthenticationFailedException;
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
 * Service callers present a static key in {@code X-Api-Key}. Only SHA-256 digests are configured
 * ({@code surge.auth.api-keys.<name>.sha256}); the presented key's digest is compared with every configured one in
 * constant time, so neither the key nor which key matched leaks through timing. A caller with a key acts as subject
 * {@code api-key:<name>} of the key's tenant. Requests without the header are left to the other mechanisms.
 */
@ApplicationScoped
public class ApiKeyAuthentication implements HttpAuthenticationMechanism {

    /** The header carrying the key. */
    public static final String HEADER = "X-Api-Key";
    /** Subject prefix of API-key callers, so that no JWT subject can collide with a key's name. */
    public static final String SUBJECT_PREFIX = "api-key:";

    private final Map<String, byte[]> digests = new LinkedHashMap<>();
    private final Map<String, String> tenants = new LinkedHashMap<>();

    public ApiKeyAuthentication(SurgeConfig config) {
        config.auth().apiKeys().forEach((name, key) -> {
            digests.put(name, HexFormat.of().parseHex(key.sha256().trim().toLowerCase()));
            tenants.put(name, key.tenant().orElse(""));
        });
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String key = context.request().getHeader(HEADER);
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        String name = match(sha256(key));
        if (name == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown API key"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(SUBJECT_PREFIX + name))
                .addAttribute(Callers.TENANT_ATTRIBUTE, tenants.get(name))
                .build());
    }

    /** Whether any key is configured. */
    public boolean configured() {
        return !digests.isEmpty();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(Challenges.unauthorized(false));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    /** The name of the key with this digest, looking at every key whatever matches. */
    private String match(byte[] digest) {
        String found = null;
        for (Map.Entry<String, byte[]> entry : digests.entrySet()) {
            if (MessageDigest.isEqual(digest, entry.getValue()) && found == null) {
                found = entry.getKey();
            }
        }
        return found;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
