package dev.surge.agent.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/** Chat completions as llm-gateway answers them, whole or streamed, for WireMock stubs. */
final class Completions {

    private Completions() {
    }

    /** A whole reply, one JSON answer. */
    static ResponseDefinitionBuilder whole(String content) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}]}"""
                .formatted(content));
    }

    /** A whole streamed reply: one chunk per part, a last chunk with the finish reason, then {@code [DONE]}. */
    static ResponseDefinitionBuilder streamed(String... parts) {
        List<String> events = new ArrayList<>();
        for (String part : parts) {
            events.add(chunk("{\"content\":\"" + part + "\"}", null));
        }
        events.add(chunk("{}", "\"stop\""));
        events.add("[DONE]");
        return sse(events);
    }

    /** A stream the upstream broke off after {@code parts}: the gateway ends it with an error event. */
    static ResponseDefinitionBuilder brokenOff(String... parts) {
        List<String> events = new ArrayList<>();
        for (String part : parts) {
            events.add(chunk("{\"content\":\"" + part + "\"}", null));
        }
        events.add("{\"error\":{\"message\":\"The upstream broke off the stream.\",\"type\":\"api_error\","
                + "\"param\":null,\"code\":\"upstream_stream_interrupted\"}}");
        return sse(events);
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}";
    }

    private static ResponseDefinitionBuilder sse(List<String> events) {
        StringBuilder body = new StringBuilder();
        events.forEach(data -> body.append("data: ").append(data).append("\n\n"));
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body.toString());
    }
}
