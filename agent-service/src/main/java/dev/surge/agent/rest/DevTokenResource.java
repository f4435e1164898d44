package dev.surge.agent.rest;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.service.ConversationException;
import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * Dev mode only (absent from any other build): mints a bearer token for any caller, signed with the key pair that
 * smallrye-jwt generates in dev mode, so that a developer can act as several owners.
 */
@IfBuildProfile("dev")
@Path("/dev/tokens")
public class DevTokenResource {

    private final SurgeConfig config;
    private final List<String> audiences;

    public DevTokenResource(SurgeConfig config,
            @ConfigProperty(name = "mp.jwt.verify.audiences", defaultValue = "surge-dev") List<String> audiences) {
        this.config = config;
        this.audiences = audiences;
    }

    @POST
    @Produces(MediaType.TEXT_PLAIN)
    public String mint(@QueryParam("subject") String subject, @QueryParam("tenant") @DefaultValue("") String tenant) {
        if (subject == null || subject.isBlank()) {
            throw new ConversationException(ConversationException.Reason.INVALID_REQUEST, "subject is required");
        }
        return Jwt.subject(subject)
                .claim(config.auth().tenantClaim(), tenant)
                .audience(new HashSet<>(audiences))
                .expiresIn(Duration.ofHours(12))
                .sign();
    }
}
