package dev.surge.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.Collectors;

/** OpenAI-shaped bodies, as a real provider sends them, and a call to the gateway. */
public final class Fixtures {

    /** The gateway key tests present (the documented dev/test key). */
    public static final String GATEWAY_KEY = "sk-surge-dev";

    public static final String CHAT_REQUEST = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}""";

    public static final String STREAM_REQUEST = """
            {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello"}]}""";

    public static final String COMPLETION = """
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,\
            "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Hello! How can I help you today?","refusal":null,"annotations":[]},"logprobs":null,\
            "finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18,\
            "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":\
            {"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
            "service_tier":"default","system_fingerprint":"fp_06737a9306"}""";

    /** The text the stream's deltas add up to. */
    public static final List<String> STREAM_DELTAS = List.of("Hello", "!", " How", " can", " I", " help", "?");

    /** A streamed completion: a role chunk, one chunk per delta, a finish chunk and {@code [DONE]}. */
    public static final String STREAM_BODY = streamBody();

    private Fixtures() {
    }

    /** An OpenAI error body. */
    public static String error(String message, String type, String code) {
        return """
                {"error":{"message":"%s","type":"%s","param":null,"code":%s}}"""
                .formatted(message, type, code == null ? "null" : '"' + code + '"');
    }

    private static String streamBody() {
        String prefix = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,";
        String role = prefix + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}";
        String deltas = STREAM_DELTAS.stream()
                .map(text -> prefix + "\"delta\":{\"content\":\"" + text + "\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}")
                .map(json -> "data: " + json + "\n\n")
                .collect(Collectors.joining());
        String finish = prefix + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}";
        return "data: " + role + "\n\n" + deltas + "data: " + finish + "\n\ndata: [DONE]\n\n";
    }

    /** A {@code POST} of {@code body} to the gateway's {@code chatCompletions} URI with the dev key. */
    public static HttpRequest gatewayRequest(URI chatCompletions, String body) {
        return HttpRequest.newBuilder(chatCompletions)
                .header("Authorization", "Bearer " + GATEWAY_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
