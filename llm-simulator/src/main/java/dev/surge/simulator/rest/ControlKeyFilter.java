package dev.surge.simulator.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.surge.simulator.config.SimulatorConfig;
import dev.surge.simulator.openai.ApiError;

/**
 * With {@code surge.simulator.control-key} set, {@code /sim/*} answers 401 unless the request presents that key as
 * {@code Authorization: Bearer}: anyone who reaches a shared simulator could otherwise change its limits or faults.
 * The keys are compared as SHA-256 digests, in constant time.
 */
public class ControlKeyFilter {

    private final Optional<byte[]> expected;

    ControlKeyFilter(SimulatorConfig config) {
        this.expected = config.controlKey().filter(key -> !key.isBlank()).map(ControlKeyFilter::sha256);
    }

    @ServerRequestFilter
    public Optional<Response> requireControlKey(ContainerRequestContext request) {
        if (expected.isEmpty() || !request.getUriInfo().getPath().startsWith("/sim")) {
            return Optional.empty();
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : "";
        if (MessageDigest.isEqual(sha256(presented), expected.get())) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED)
                .type(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"llm-simulator\"")
                .entity(ApiError.unauthorized("the simulator's controls need its control key"))
                .build());
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
