package dev.surge.simulator.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns an {@code Authorization} header into the id under which limits and stats are kept. The raw
 * key never leaves this class: ids are {@code key-} and the first 8 hex digits of its SHA-256.
 * Requests without a key are accepted and share the id {@code anonymous}.
 */
public final class ApiKeys {

    /** The id of requests that carry no API key. */
    public static final String ANONYMOUS = "anonymous";

    private ApiKeys() {
    }

    /** The key id for an {@code Authorization} header value, which may be null. */
    public static String idOf(String authorization) {
        if (authorization == null) {
            return ANONYMOUS;
        }
        String key = authorization.strip();
        if (key.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = key.substring(7).strip();
        }
        if (key.isEmpty()) {
            return ANONYMOUS;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "key-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
