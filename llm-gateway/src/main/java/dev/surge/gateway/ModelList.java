package dev.surge.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer of {@code GET /v1/models}, in OpenAI's format.
 *
 * @param object always {@code list}
 * @param data the models
 */
@RegisterForReflection
public record ModelList(String object, List<Model> data) {

    /**
     * One model.
     *
     * @param id the name callers put in {@code model}
     * @param object always {@code model}
     * @param created creation time in epoch seconds (unknown here, so 0)
     * @param ownedBy who serves it
     */
    @RegisterForReflection
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    /** The list for the given model ids. */
    public static ModelList of(List<String> ids) {
        return new ModelList("list", ids.stream().map(id -> new Model(id, "model", 0, "surge")).toList());
    }
}
