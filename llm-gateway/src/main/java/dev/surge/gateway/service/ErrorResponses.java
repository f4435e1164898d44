package dev.surge.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.surge.gateway.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes errors in OpenAI's format. */
@ApplicationScoped
public class ErrorResponses {

    private final ObjectMapper mapper;

    @Inject
    ErrorResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The JSON of an error. */
    public Buffer json(OpenAiError error) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An error record could not be written as JSON", e);
        }
    }

    /** Ends the response with the error and {@code x-should-retry} as given; other headers are the caller's. */
    public void send(HttpServerResponse response, int status, boolean shouldRetry, OpenAiError error) {
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("x-should-retry", Boolean.toString(shouldRetry))
                .end(json(error));
    }
}
