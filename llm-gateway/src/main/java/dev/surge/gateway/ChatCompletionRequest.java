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
 * @param promptChars characters of message text, from which the prompt's tokens are estimated
 * @param maxTokens the caller's {@code max_completion_tokens}, else {@code max_tokens}, if any
 * @param upstreamBody the body to forward: the caller's, less {@code num_retries} and {@code timeout}
 * @param json the parsed body, less the same fields, kept to write it again for another upstream model name (only
 *        {@link #bodyFor} changes it, and only its {@code model})
 */
public record ChatCompletionRequest(String model, boolean stream, OptionalInt numRetries, Optional<Duration> timeout,
        long promptChars, OptionalInt maxTokens, Buffer upstreamBody, ObjectNode json) {

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
                textLength(messages), maxTokens(json), upstreamBody, json);
    }

    /**
     * The body to send for {@code upstreamModel}: the forwarded body itself when that is the model the caller
     * named, else the same body written again with {@code model} replaced. Not thread-safe: a call's attempts
     * run one after the other on its event loop.
     */
    public Buffer bodyFor(String upstreamModel, ObjectMapper mapper) {
        if (upstreamModel.equals(model)) {
            return upstreamBody;
        }
        json.put("model", upstreamModel);
        return Buffer.buffer(writeBytes(mapper, json));
    }

    /** Characters of the messages' text: string contents and the text parts of array contents. */
    private static long textLength(JsonNode messages) {
        long chars = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.get("content");
            if (content == null) {
                continue;
            }
            if (content.isTextual()) {
                chars += content.textValue().length();
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    JsonNode text = part.get("text");
                    chars += text != null && text.isTextual() ? text.textValue().length() : 0;
                }
            }
        }
        return chars;
    }

    /** The completion tokens the caller capped the answer at; a malformed value is the upstream's to refuse. */
    private static OptionalInt maxTokens(ObjectNode json) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = json.get(field);
            if (value != null && value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0) {
                return OptionalInt.of(value.intValue());
            }
        }
        return OptionalInt.empty();
    }

    private static byte[] writeBytes(ObjectMapper mapper, ObjectNode json) {
        try {
            return mapper.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("A parsed JSON tree could not be written back", e);
        }
    }
}
