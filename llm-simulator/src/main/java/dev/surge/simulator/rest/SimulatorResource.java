package dev.surge.simulator.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import dev.surge.simulator.SimulatorSettings;
import dev.surge.simulator.Stats;
import dev.surge.simulator.openai.ApiError;
import dev.surge.simulator.service.RateLimiter;
import dev.surge.simulator.service.SettingsService;
import dev.surge.simulator.service.StatsService;
import io.smallrye.common.annotation.NonBlocking;

/** The simulator's own controls: runtime settings, counters, reset. */
@Path("/sim")
@Produces(MediaType.APPLICATION_JSON)
@NonBlocking
public class SimulatorResource {

    private final SettingsService settings;
    private final StatsService stats;
    private final RateLimiter limiter;

    SimulatorResource(SettingsService settings, StatsService stats, RateLimiter limiter) {
        this.settings = settings;
        this.stats = stats;
        this.limiter = limiter;
    }

    /** The runtime settings in force. */
    @GET
    @Path("/config")
    public SimulatorSettings config() {
        return settings.current();
    }

    /** Changes the keys present in the body (partial update); answers the settings now in force. */
    @PUT
    @Path("/config")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(JsonNode patch) {
        try {
            return Response.ok(settings.update(patch)).build();
        } catch (IllegalArgumentException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(ApiError.invalidRequest(e.getMessage(), null, null))
                    .build();
        }
    }

    /** Counters since start-up or the last reset. */
    @GET
    @Path("/stats")
    public Stats stats() {
        return stats.snapshot();
    }

    /** Zeroes the counters and refills every key's buckets. Settings stay as they are. */
    @POST
    @Path("/reset")
    public void reset() {
        stats.reset();
        limiter.reset();
    }
}
