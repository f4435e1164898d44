package dev.surge.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * A validated {@code POST /v1/chat/completions} body, with the gateway's own fields taken out.
 *
 * <p>Read with a streaming parser that looks only at the top-level members the gateway needs (and into
 * {@code messages} for the length of their text); everything else is skipped, never built into a tree. The body
 * is forwarded as the caller's bytes: the buffer itself when it has none of the gateway's fields, else its byte
 * ranges without them ({@link JsonMembers}).
 *
 * @param model the requested model
 * @param stream whether the caller asked for server-sent events
 * @param numRetries the caller's {@code num_retries}, if any
 * @param timeout the caller's {@code timeout} (the whole call, retries included), if any
 * @param promptChars characters of message text, from which the prompt's tokens are estimated
 * @param maxTokens the caller's {@code max_completion_tokens}, else {@code max_tokens}, if any
 * @param upstreamBody the body to forward: the caller's, less {@code num_retries} and {@code timeout}
 * @param members where the body's top-level members are, to copy it again for another upstream model name
 */
public record ChatCompletionRequest(String model, boolean stream, OptionalInt numRetries, Optional<Duration> timeout,
        long promptChars, OptionalInt maxTokens, Buffer upstreamBody, JsonMembers members) {

    /** Most retries a caller may ask for. */
    public static final int MAX_NUM_RETRIES = 10;
    /** The gateway's own fields: read here, never forwarded. */
    private static final Set<String> GATEWAY_FIELDS = Set.of("num_retries", "timeout");
    /** The top-level fields read here: each may appear once. */
    private static final Set<String> READ_FIELDS = Set.of("model", "messages", "stream", "num_retries", "timeout",
            "max_completion_tokens", "max_tokens");

    /**
     * Reads and checks a request body.
     *
     * @throws InvalidRequestException if it is not a chat completion request the upstream could accept
     */
    public static ChatCompletionRequest parse(Buffer body) {
        byte[] bytes = body.getBytes();
        // The parser checks the encoding only of the strings it reads, and the rest is forwarded as it came.
        if (!ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes), StandardCharsets.UTF_8)) {
            throw unparseable();
        }
        Fields fields;
        try (JsonParser parser = GatewayJson.FACTORY.createParser(bytes)) {
            fields = Fields.read(parser, bytes);
        } catch (IOException e) {
            throw unparseable();
        }
        return fields.request(body);
    }

    /**
     * The body to send for {@code upstreamModel}: the forwarded body itself when that is the model the caller
     * named, else the same body with {@code model} replaced (written first).
     */
    public Buffer bodyFor(String upstreamModel) {
        if (upstreamModel.equals(model)) {
            return upstreamBody;
        }
        String member = "\"model\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(upstreamModel))
                + "\"";
        return members.copy(name -> !GATEWAY_FIELDS.contains(name) && !"model".equals(name),
                member.getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidRequestException unparseable() {
        return new InvalidRequestException("We could not parse the JSON body of your request.", null);
    }

    /** What one pass of the parser found; checked afterwards, in the order a caller learns of its mistakes. */
    private static final class Fields {

        private final JsonMembers members;
        private String model;
        private boolean messagesArray;
        private int messages;
        private long promptChars;
        private boolean stream;
        private boolean streamInvalid;
        private boolean numRetriesInvalid;
        private OptionalInt numRetries = OptionalInt.empty();
        private boolean timeoutInvalid;
        private Optional<Duration> timeout = Optional.empty();
        private OptionalInt maxCompletionTokens = OptionalInt.empty();
        private OptionalInt maxTokens = OptionalInt.empty();
        private boolean stripped;

        private Fields(byte[] bytes) {
            this.members = new JsonMembers(bytes);
        }

        static Fields read(JsonParser parser, byte[] bytes) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("The request body must be a JSON object.", null);
            }
            Fields fields = new Fields(bytes);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (READ_FIELDS.contains(name) && fields.members.has(name)) {
                    throw new InvalidRequestException("'" + name + "' must appear only once.", name);
                }
                fields.members.add(name, (int) parser.currentTokenLocation().getByteOffset());
                fields.member(name, parser.nextToken(), parser);
            }
            fields.members.close((int) parser.currentTokenLocation().getByteOffset());
            // What follows the object would be forwarded with it: refused like any malformed body.
            if (parser.nextToken() != null) {
                throw unparseable();
            }
            return fields;
        }

        private void member(String name, JsonToken value, JsonParser parser) throws IOException {
            switch (name) {
                case "model" -> model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "messages" -> {
                    messagesArray = value == JsonToken.START_ARRAY;
                    if (messagesArray) {
                        readMessages(parser);
                    }
                }
                case "stream" -> {
                    stream = value == JsonToken.VALUE_TRUE;
                    streamInvalid = !value.isBoolean() && value != JsonToken.VALUE_NULL;
                }
                case "num_retries" -> {
                    stripped = true;
                    if (value != JsonToken.VALUE_NULL) {
                        int retries = smallInt(value, parser);
                        numRetriesInvalid = retries < 0 || retries > MAX_NUM_RETRIES;
                        numRetries = OptionalInt.of(retries);
                    }
                }
                case "timeout" -> {
                    stripped = true;
                    if (value != JsonToken.VALUE_NULL) {
                        double seconds = value.isNumeric() ? parser.getDoubleValue() : 0;
                        timeoutInvalid = seconds <= 0;
                        timeout = Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
                    }
                }
                case "max_completion_tokens" -> maxCompletionTokens = tokens(value, parser);
                case "max_tokens" -> maxTokens = tokens(value, parser);
                default -> {
                    // Not the gateway's business.
                }
            }
            parser.skipChildren();
        }

        /** Counts the messages and the characters of their text: string contents and text parts. */
        private void readMessages(JsonParser parser) throws IOException {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                messages++;
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean content = "content".equals(parser.currentName());
                    JsonToken value = parser.nextToken();
                    if (content && value == JsonToken.VALUE_STRING) {
                        promptChars += parser.getTextLength();
                    } else if (content && value == JsonToken.START_ARRAY) {
                        readParts(parser);
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        }

        private void readParts(JsonParser parser) throws IOException {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean text = "text".equals(parser.currentName());
                    if (parser.nextToken() == JsonToken.VALUE_STRING && text) {
                        promptChars += parser.getTextLength();
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        }

        ChatCompletionRequest request(Buffer body) {
            if (model == null || model.isBlank()) {
                throw new InvalidRequestException("You must provide a model parameter.", "model");
            }
            if (!messagesArray || messages == 0) {
                throw new InvalidRequestException("'messages' must be a non-empty array.", "messages");
            }
            if (streamInvalid) {
                throw new InvalidRequestException("'stream' must be a boolean.", "stream");
            }
            if (numRetriesInvalid) {
                throw new InvalidRequestException(
                        "'num_retries' must be an integer from 0 to " + MAX_NUM_RETRIES + ".", "num_retries");
            }
            if (timeoutInvalid) {
                throw new InvalidRequestException("'timeout' must be a positive number of seconds.", "timeout");
            }
            Buffer upstreamBody = stripped ? members.copy(name -> !GATEWAY_FIELDS.contains(name), null) : body;
            return new ChatCompletionRequest(model, stream, numRetries, timeout, promptChars,
                    maxCompletionTokens.isPresent() ? maxCompletionTokens : maxTokens, upstreamBody, members);
        }

        /** An integer value that fits an int, else -1. */
        private static int smallInt(JsonToken value, JsonParser parser) throws IOException {
            return value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
                    ? parser.getIntValue() : -1;
        }

        /** The completion tokens the caller capped the answer at; a malformed value is the upstream's to refuse. */
        private static OptionalInt tokens(JsonToken value, JsonParser parser) throws IOException {
            int tokens = smallInt(value, parser);
            return tokens < 0 ? OptionalInt.empty() : OptionalInt.of(tokens);
        }
    }
}
