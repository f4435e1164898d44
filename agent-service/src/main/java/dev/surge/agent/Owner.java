package dev.surge.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who a task belongs to: the caller's subject within its tenant. Only the owner reads, messages, cancels, ends or
 * streams a task; to anyone else it does not exist.
 *
 * @param tenant  the tenant claim of the caller's token (empty when the token has none)
 * @param subject the caller's subject ({@code sub} claim)
 */
public record Owner(String tenant, String subject) {

    public Owner {
        if (tenant == null || subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("an owner needs a subject and a tenant");
        }
    }

    /**
     * A stable, fixed-length key of this owner (hex SHA-256 of tenant and subject), fit for a workflow id whatever
     * characters the claims hold. Pure, so workflow code may call it.
     */
    public String key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((tenant + '\u0000' + subject).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
