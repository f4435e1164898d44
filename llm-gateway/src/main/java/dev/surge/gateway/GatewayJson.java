package dev.surge.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.vertx.core.buffer.Buffer;

/**
 * The JSON the gateway writes itself, error bodies and the model list, written with Jackson's streaming generator;
 * requests are read with the same factory ({@link ChatCompletionRequest#parse}).
 *
 * <p>Not with an {@code ObjectMapper}: these are two small fixed shapes, while creating Quarkus's mapper loaded
 * about 600 classes and took about 0.4 s of the gateway's start on the benchmark machine (class-loading log,
 * {@code -Xlog:class+load}), for objects a generator writes in a few lines.
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
