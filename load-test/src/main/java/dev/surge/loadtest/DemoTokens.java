package dev.surge.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The demo's users authenticate as agent-service's frontends do, with their own bearer JWT. Each run makes a
 * throwaway RSA key pair: agent-service verifies with the public half, the Gatling scenario signs one token per
 * simulated user with the private half. Plain JDK crypto (RS256), as this module is not under the Quarkus BOM.
 */
final class DemoTokens {

    static final String ISSUER = "https://surge.demo/issuer";
    static final String AUDIENCE = "surge-agent-service";
    static final String TENANT = "demo";
    /** System property naming the private key file, for the forked Gatling JVM. */
    static final String KEY_FILE_PROPERTY = "surge.load.signing-key";
    /** Longer than any run: the full scenario with its patience takes well under a day. */
    private static final Duration LIFETIME = Duration.ofHours(24);
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;

    private DemoTokens(PrivateKey key) {
        this.key = key;
    }

    /** Where a run keeps its private key: beside its logs. */
    static Path privateKeyFile(Path logs) {
        return logs.resolve("demo-jwt-private.pem");
    }

    /** Makes a key pair for a run; writes both halves beside its logs and returns the public half's file. */
    static Path generate(Path logs) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(logs);
            Files.writeString(privateKeyFile(logs), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Path publicKey = logs.resolve("demo-jwt-public.pem");
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return publicKey;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is part of every JDK", e);
        }
    }

    /** The signer of the key named by {@link #KEY_FILE_PROPERTY}. */
    static DemoTokens fromSystemProperty() {
        String file = System.getProperty(KEY_FILE_PROPERTY);
        if (file == null) {
            throw new IllegalStateException(KEY_FILE_PROPERTY + " is not set: the launcher passes the run's key");
        }
        return read(Path.of(file));
    }

    /** The signer of the private key in {@code file}, as {@link #generate(Path)} wrote it. */
    static DemoTokens read(Path file) {
        try {
            String body = Files.readString(file).replaceAll("-----[A-Z ]+-----|\\s", "");
            return new DemoTokens(KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body))));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the demo's signing key " + file, e);
        }
    }

    /** A token of {@code subject} in the demo's tenant. */
    String mint(String subject) {
        long now = Instant.now().getEpochSecond();
        String header = URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = URL.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\""
                + subject + "\",\"tenant\":\"" + TENANT + "\",\"iat\":" + now + ",\"exp\":"
                + (now + LIFETIME.toSeconds()) + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a demo token", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
