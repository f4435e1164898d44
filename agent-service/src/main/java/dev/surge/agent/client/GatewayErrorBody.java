package dev.surge.agent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * OpenAI error JSON as answered by llm-gateway: {@code {"error":{"message","type","param","code"}}}.
 *
 * @param error the error
 */
@JsonIgnoreProperties(ignoreUnknown = true)
// Read with readEntity from an exception mapper, not as a declared return type the REST client registers itself.
@RegisterForReflection(targets = {GatewayErrorBody.class, GatewayErrorBody.Error.class})
public record GatewayErrorBody(Error error) {

    /**
     * The error object.
     *
     * @param message human-readable message
     * @param type    error type, e.g. {@code rate_limit_error}
     * @param param   offending parameter, if any
     * @param code    error code, e.g. {@code gateway_overloaded}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Error(String message, String type, String param, String code) {
    }
}
