package dev.surge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

/**
 * The request body is read with a streaming parser and forwarded as byte ranges of the caller's own bytes: these
 * tests pin where the gateway's fields may stand, what must survive the copy byte for byte, and what is refused.
 */
class ChatCompletionRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    @Test
    void forwardsTheCallersBufferItselfWhenItHasNoGatewayField() {
        Buffer body = Buffer.buffer("{\"model\":\"gpt-4o-mini\"," + MESSAGES + ",\"temperature\":0.2}");

        ChatCompletionRequest request = parse(body);

        assertSame(body, request.upstreamBody());
        assertSame(body, request.bodyFor("gpt-4o-mini"));
    }

    @Test
    void dropsGatewayFieldsAtTheStart() {
        assertForwarded("{\"model\":\"m\"," + MESSAGES + "}",
                "{\"num_retries\":2,\"timeout\":1.5,\"model\":\"m\"," + MESSAGES + "}");
    }

    @Test
    void dropsGatewayFieldsInTheMiddle() {
        assertForwarded("{\"model\":\"m\"," + MESSAGES + ",\"top_p\":1}",
                "{\"model\":\"m\",\"num_retries\":2," + MESSAGES + ",\"timeout\":null,\"top_p\":1}");
    }

    @Test
    void dropsGatewayFieldsAtTheEnd() {
        assertForwarded("{\"model\":\"m\"," + MESSAGES + "}",
                "{\"model\":\"m\"," + MESSAGES + ",\"num_retries\":0,\"timeout\":30}");
    }

    @Test
    void keepsNestedMembersThatShareAGatewayFieldsName() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"timeout\":{\"type\":\"number\"},"
                + "\"num_retries\":{\"type\":\"integer\"}}}}}]";
        String metadata = "\"metadata\":{\"timeout\":\"5\",\"num_retries\":\"1\"}";

        assertForwarded("{\"model\":\"m\"," + tools + "," + metadata + "," + MESSAGES + "}",
                "{\"model\":\"m\"," + tools + ",\"timeout\":10," + metadata + "," + MESSAGES + ",\"num_retries\":1}");
    }

    @Test
    void copiesEscapedStringsByteForByte() {
        String content = "\"messages\":[{\"role\":\"user\",\"content\":\"say \\\"num_retries\\\":3,} \\\\ "
                + "\\u00e9t\\u00e9 \\n and \u00e9t\u00e9 \uD83D\uDE00\"}]";
        String stop = "\"stop\":[\"\\\"}\",\",\\\"timeout\\\":1\"]";

        ChatCompletionRequest request = assertForwarded("{\"model\":\"m\"," + content + "," + stop + "}",
                "{\"model\":\"m\"," + content + ",\"timeout\":3," + stop + "}");

        assertEquals(OptionalInt.empty(), request.numRetries());
        assertEquals(Optional.of(Duration.ofSeconds(3)), request.timeout());
    }

    @Test
    void toleratesWhitespaceAnywhereBetweenTokens() {
        String body = " \n{ \"model\" : \"m\" ,\n\t\"num_retries\"\t:\t1 \r\n, \"messages\" : [ { \"role\" : \"user\" ,"
                + " \"content\" : \"Hi\" } ] ,\"timeout\" : 2 \n} \n";

        ChatCompletionRequest request = parse(Buffer.buffer(body));

        String forwarded = request.upstreamBody().toString(StandardCharsets.UTF_8);
        assertEquals(" \n{ \"model\" : \"m\","
                + "\"messages\" : [ { \"role\" : \"user\" , \"content\" : \"Hi\" } ]} \n", forwarded);
        assertEquals(OptionalInt.of(1), request.numRetries());
    }

    @Test
    void writesAnotherUpstreamModelFirstAndDropsTheCallersModel() throws Exception {
        ChatCompletionRequest request = parse(Buffer.buffer(
                "{\"temperature\":0,\"model\":\"alias\",\"num_retries\":1," + MESSAGES + "}"));

        String body = request.bodyFor("gpt-\"4o\"").toString(StandardCharsets.UTF_8);

        assertEquals("{\"model\":\"gpt-\\\"4o\\\"\",\"temperature\":0," + MESSAGES + "}", body);
        assertEquals("gpt-\"4o\"", MAPPER.readTree(body).get("model").textValue());
    }

    @Test
    void copiesAnObjectWhoseMembersAreAllDropped() {
        JsonMembers members = new JsonMembers("{ \"a\":1, \"b\":[2] } ".getBytes(StandardCharsets.UTF_8));
        members.add("a", 2);
        members.add("b", 9);
        members.close(17);

        assertEquals("{ } ", members.copy(name -> false, null).toString(StandardCharsets.UTF_8));
        assertEquals("{ \"x\":0} ", members.copy(name -> false, "\"x\":0".getBytes(StandardCharsets.UTF_8))
                .toString(StandardCharsets.UTF_8));
        assertEquals("{ \"b\":[2]} ", members.copy("b"::equals, null).toString(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatTheGatewayNeeds() {
        ChatCompletionRequest request = parse(Buffer.buffer("{\"model\":\"m\",\"stream\":true,\"max_tokens\":5,"
                + "\"max_completion_tokens\":7,\"messages\":[{\"role\":\"system\",\"content\":\"abc\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\u00e9\u00e9\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x\",\"text\":\"1234\"}}]},"
                + "{\"role\":\"assistant\",\"content\":null}]}"));

        assertEquals("m", request.model());
        assertTrue(request.stream());
        assertEquals(OptionalInt.of(7), request.maxTokens());
        assertEquals(5, request.promptChars());
    }

    @Test
    void fallsBackToMaxTokensWhenMaxCompletionTokensIsNotAnInteger() {
        ChatCompletionRequest request = parse(Buffer.buffer("{\"model\":\"m\",\"max_completion_tokens\":\"x\","
                + "\"max_tokens\":9," + MESSAGES + ",\"stream\":null}"));

        assertEquals(OptionalInt.of(9), request.maxTokens());
        assertFalse(request.stream());
    }

    @Test
    void refusesBodiesThatAreNotUtf8() {
        byte[] latin1 = ("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"user\":\"\u00e9\"}")
                .getBytes(StandardCharsets.ISO_8859_1);

        assertRefused(Buffer.buffer(latin1), null);
    }

    @Test
    void refusesMalformedOrTrailingContent() {
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES), null);
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + "} x"), null);
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + "}{}"), null);
        assertRefused(Buffer.buffer(""), null);
        assertRefused(Buffer.buffer("[1]"), null);
    }

    @Test
    void refusesAFieldTheGatewayReadsTwice() {
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + ",\"model\":\"n\"}"), "model");
        assertRefused(Buffer.buffer("{\"model\":\"m\",\"num_retries\":1," + MESSAGES + ",\"num_retries\":9}"),
                "num_retries");
    }

    @Test
    void refusesInvalidGatewayFields() {
        assertRefused(Buffer.buffer("{\"model\":\" \"," + MESSAGES + "}"), "model");
        assertRefused(Buffer.buffer("{\"model\":1," + MESSAGES + "}"), "model");
        assertRefused(Buffer.buffer("{\"model\":\"m\",\"messages\":{}}"), "messages");
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + ",\"stream\":\"yes\"}"), "stream");
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + ",\"num_retries\":1.5}"), "num_retries");
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + ",\"num_retries\":-1}"), "num_retries");
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + ",\"timeout\":0}"), "timeout");
        assertRefused(Buffer.buffer("{\"model\":\"m\"," + MESSAGES + ",\"timeout\":\"30\"}"), "timeout");
    }

    /** Parses {@code sent} and checks it is forwarded as exactly {@code expected}, still valid JSON. */
    private static ChatCompletionRequest assertForwarded(String expected, String sent) {
        ChatCompletionRequest request = parse(Buffer.buffer(sent));
        String forwarded = request.upstreamBody().toString(StandardCharsets.UTF_8);
        assertEquals(expected, forwarded);
        try {
            assertEquals(MAPPER.readTree(expected), MAPPER.readTree(forwarded));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + forwarded, e);
        }
        return request;
    }

    private static void assertRefused(Buffer body, String param) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> parse(body));
        assertEquals(param, refused.param());
    }

    private static ChatCompletionRequest parse(Buffer body) {
        return ChatCompletionRequest.parse(body);
    }
}
