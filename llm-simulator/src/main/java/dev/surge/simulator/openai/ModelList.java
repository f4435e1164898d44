package dev.surge.simulator.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code GET /v1/models} answer.
 *
 * @param object always {@code list}
 * @param data the models
 */
@RegisterForReflection
public record ModelList(String object, List<Model> data) {

    /**
     * @param id model id
     * @param object always {@code model}
     * @param created Unix seconds
     * @param ownedBy always {@code surge-simulator}
     */
    @RegisterForReflection
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }
}
