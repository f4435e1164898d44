package dev.surge.agent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * OpenAI error JSON as answered by llm-gateway: {@code {"error":{"message","type","param","code"}}}.
 *
 * @param error the error
 */
@JsonIgnoreProperties(ignoreUnknown = true)
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
