package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/** Reading upstream error bodies with the streaming parser, and writing the gateway's own errors. */
class GatewayJsonTest {

    @Test
    void readsTheStringMembersOfAnOpenAiError() {
        OpenAiError.Detail detail = GatewayJson.errorDetail(Buffer.buffer("""
                {"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded",
                "extra":{"nested":["x"]}},"other":[1,{"a":2}]}"""));

        assertEquals(new OpenAiError.Detail("Rate limit reached", "requests", null, "rate_limit_exceeded"), detail);
    }

    @Test
    void readsWhatItWrites() {
        OpenAiError error = OpenAiError.of("a \"quoted\" message", "api_error", "model", "x");

        assertEquals(error.error(), GatewayJson.errorDetail(GatewayJson.error(error)));
    }

    @Test
    void findsNoErrorInWhatIsNotAnOpenAiErrorObject() {
        for (String body : new String[] {"", "upstream exploded", "[1,2]", "{\"error\":\"text\"}", "{\"message\":\"x\"}",
                "{\"error\":{\"message\":\"x\"}} trailing", "{\"error\":{\"message\":"}) {
            assertNull(GatewayJson.errorDetail(Buffer.buffer(body)), body);
        }
    }
}
