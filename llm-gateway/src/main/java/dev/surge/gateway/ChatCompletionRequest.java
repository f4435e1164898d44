package dev.surge.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;

/**
 * A validated {@code POST /v1/chat/completions} body, with the gateway's own fields taken out.
 *
 * @param model the requested model
 * @param stream whether the caller asked for server-sent events
 * @param numRetries the caller's {@code num_retries}, if any
 * @param timeout the caller's {@code timeout} (the whole call, retries included), if any
 * @param upstreamBody the body to forward: the caller's, less {@code num_retries} and {@code timeout}
 */
public record ChatCompletionRequest(String model, boolean stream, OptionalInt numRetries, Optional<Duration> timeout,
        Buffer upstreamBody) {

    /** Most retries a caller may ask for. */
    public static final int MAX_NUM_RETRIES = 10;

    /**
     * Reads and checks a request body.
     *
     * @throws InvalidRequestException if it is not a chat completion request the upstream could accept
     */
    public static ChatCompletionRequest parse(Buffer body, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(body.getBytes());
        } catch (IOException e) {
            throw new InvalidRequestException("We could not parse the JSON body of your request.", null);
        }
        if (!(root instanceof ObjectNode json)) {
            throw new InvalidRequestException("The request body must be a JSON object.", null);
        }
        JsonNode model = json.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw new InvalidRequestException("You must provide a model parameter.", "model");
        }
        JsonNode messages = json.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("'messages' must be a non-empty array.", "messages");
        }
        JsonNode stream = json.get("stream");
        if (stream != null && !stream.isBoolean() && !stream.isNull()) {
            throw new InvalidRequestException("'stream' must be a boolean.", "stream");
        }
        OptionalInt numRetries = OptionalInt.empty();
        JsonNode retries = json.remove("num_retries");
        if (retries != null && !retries.isNull()) {
            if (!retries.isIntegralNumber() || retries.asInt() < 0 || retries.asInt() > MAX_NUM_RETRIES) {
                throw new InvalidRequestException(
                        "'num_retries' must be an integer from 0 to " + MAX_NUM_RETRIES + ".", "num_retries");
            }
            numRetries = OptionalInt.of(retries.asInt());
        }
        Optional<Duration> timeout = Optional.empty();
        JsonNode seconds = json.remove("timeout");
        if (seconds != null && !seconds.isNull()) {
            if (!seconds.isNumber() || seconds.asDouble() <= 0) {
                throw new InvalidRequestException("'timeout' must be a positive number of seconds.", "timeout");
            }
            timeout = Optional.of(Duration.ofMillis(Math.round(seconds.asDouble() * 1000)));
        }
        Buffer upstreamBody = retries == null && seconds == null ? body : Buffer.buffer(writeBytes(mapper, json));
        return new ChatCompletionRequest(model.asText(), stream != null && stream.asBoolean(), numRetries, timeout,
                upstreamBody);
    }

    private static byte[] writeBytes(ObjectMapper mapper, ObjectNode json) {
        try {
            return mapper.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("A parsed JSON tree could not be written back", e);
        }
    }
}
