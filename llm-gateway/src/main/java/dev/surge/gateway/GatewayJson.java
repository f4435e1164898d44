package dev.surge.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.buffer.Buffer;

/**
 * The JSON the gateway writes itself, error bodies and the model list, written with Jackson's streaming generator,
 * and the upstream error bodies it reads; requests are read with the same factory
 * ({@link ChatCompletionRequest#parse}).
 *
 * <p>Not with an {@code ObjectMapper}, nor with Vert.x's {@code JsonObject}, which in Quarkus decodes through that
 * mapper: these are a few small fixed shapes, while creating Quarkus's mapper loaded about 650 classes and took about
 * 0.4 s on the benchmark machine (class-loading log, {@code -Xlog:class+load}), at start-up or, created lazily, on an
 * event loop at the first upstream error.
 */
public final class GatewayJson {

    /** Thread-safe; shared by every parser and generator of the gateway. */
    public static final JsonFactory FACTORY = new JsonFactory();

    private GatewayJson() {
    }

    /** {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}, absent fields as null. */
    public static Buffer error(OpenAiError error) {
        OpenAiError.Detail detail = error.error();
        return Buffer.buffer(write(json -> {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("message", detail.message());
            json.writeStringField("type", detail.type());
            json.writeStringField("param", detail.param());
            json.writeStringField("code", detail.code());
            json.writeEndObject();
            json.writeEndObject();
        }));
    }

    /** The answer of {@code GET /v1/models} in OpenAI's format: {@code {"object":"list","data":[...]}}. */
    public static String modelList(List<String> ids) {
        return new String(write(json -> {
            json.writeStartObject();
            json.writeStringField("object", "list");
            json.writeArrayFieldStart("data");
            for (String id : ids) {
                json.writeStartObject();
                json.writeStringField("id", id);
                json.writeStringField("object", "model");
                // Creation time in epoch seconds: unknown here.
                json.writeNumberField("created", 0);
                json.writeStringField("owned_by", "surge");
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    /**
     * The {@code error} object of an upstream's OpenAI-format error body ({@code {"error":{"message":...,...}}}),
     * its members that are strings (others null); null when the body is not a JSON object with an object
     * {@code error}, or not JSON at all.
     */
    public static OpenAiError.Detail errorDetail(Buffer body) {
        if (body.length() == 0) {
            return null;
        }
        try (JsonParser json = FACTORY.createParser(body.getBytes())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            OpenAiError.Detail detail = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                if (json.nextToken() == JsonToken.START_OBJECT && "error".equals(name)) {
                    detail = detail(json);
                } else {
                    json.skipChildren();
                }
            }
            // Nothing may follow the object, as for any JSON document.
            return json.nextToken() == null ? detail : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static OpenAiError.Detail detail(JsonParser json) throws IOException {
        String message = null;
        String type = null;
        String param = null;
        String code = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            String text = json.nextToken() == JsonToken.VALUE_STRING ? json.getText() : null;
            switch (name) {
                case "message" -> message = text;
                case "type" -> type = text;
                case "param" -> param = text;
                case "code" -> code = text;
                default -> {
                }
            }
            json.skipChildren();
        }
        return new OpenAiError.Detail(message, type, param, code);
    }

    private interface Writing {
        void to(JsonGenerator json) throws IOException;
    }

    private static byte[] write(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator json = FACTORY.createGenerator(bytes)) {
            writing.to(json);
        } catch (IOException e) {
            // Writing to memory fails only on a bug here (an unbalanced object), never on the content.
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
