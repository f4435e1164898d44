package dev.surge.gateway.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.surge.gateway.GatewayConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Checks the gateway key a caller presents as {@code Authorization: Bearer <key>} against
 * {@code surge.gateway.api-keys}. Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the
 * time taken says nothing about how close a guess was, not even its length.
 */
@Singleton
public class ApiKeyAuthenticator {

    private static final Logger LOG = Logger.getLogger(ApiKeyAuthenticator.class);
    private static final String BEARER = "bearer ";
    /**
     * One digest per thread, reused (digest() resets it): looking the algorithm up among the security providers
     * on every call cost more than hashing the key.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    });

    private final List<byte[]> keyDigests;

    @Inject
    ApiKeyAuthenticator(GatewayConfig config) {
        this.keyDigests = config.apiKeys().orElse(Set.of()).stream()
                .map(String::trim)
                .filter(key -> !key.isEmpty())
                .map(ApiKeyAuthenticator::sha256)
                .toList();
    }

    void warnWithoutKeys(@Observes StartupEvent event) {
        if (keyDigests.isEmpty()) {
            LOG.warn("No gateway API keys are configured: every call will be refused with 401. "
                    + "Set SURGE_GATEWAY_API_KEYS (comma-separated).");
        }
    }

    /** Whether an {@code Authorization} header value carries one of the gateway's keys. */
    public boolean isAuthorized(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
        boolean match = false;
        for (byte[] key : keyDigests) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    private static byte[] sha256(String key) {
        return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
    }
}
