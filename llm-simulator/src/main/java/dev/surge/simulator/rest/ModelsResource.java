package dev.surge.simulator.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.surge.simulator.config.SimulatorConfig;
import dev.surge.simulator.openai.ModelList;
import io.smallrye.common.annotation.NonBlocking;

/** {@code GET /v1/models}: the configured model ids in OpenAI's list format. */
@Path("/v1/models")
public class ModelsResource {

    /** A fixed creation time, so the answer never changes between calls. */
    private static final long CREATED = 1_700_000_000L;

    private final ModelList models;

    ModelsResource(SimulatorConfig config) {
        List<ModelList.Model> data = config.models().stream()
                .map(id -> new ModelList.Model(id, "model", CREATED, "surge-simulator"))
                .toList();
        this.models = new ModelList("list", data);
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public ModelList list() {
        return models;
    }
}
