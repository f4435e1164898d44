package dev.surge.agent.workflow;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.surge.agent.client.ChatCompletionChunk;
import dev.surge.agent.client.ChatCompletionResponse;
import dev.surge.agent.client.ChatMessage;
import dev.surge.agent.client.GatewayException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One attempt at a streamed reply: hands each text delta of the gateway's stream to the caller's {@link
 * ReplyStreams.Listener} as it arrives and keeps the whole text, which becomes the activity's result. A stream that
 * ends without its last chunk, or that the gateway ends with an error event (the upstream broke off), fails the
 * attempt as a capacity failure, so Temporal writes the reply again under the activity's retry policy; the next
 * attempt tells the caller first ({@link ReplyStreams.Listener#restarted()}), so what the caller shows is the stored
 * reply.
 */
final class StreamedReply {

    /** The gateway's code for a stream the upstream broke off. */
    static final String BROKE_OFF = "upstream_stream_interrupted";

    private final ReplyStreams.Listener listener;
    private final ObjectMapper json;
    private final boolean restart;
    private final StringBuilder text = new StringBuilder();
    private volatile boolean finished;

    /**
     * @param listener the caller's connection
     * @param json     reads the chunks
     * @param restart  whether an earlier attempt may have shown text already
     */
    StreamedReply(ReplyStreams.Listener listener, ObjectMapper json, boolean restart) {
        this.listener = listener;
        this.json = json;
        this.restart = restart;
    }

    /** The reply as one completion once {@code events} (the data of the gateway's events) ended well. */
    Uni<ChatCompletionResponse> collect(Multi<String> events) {
        return events
                .onSubscription().invoke(() -> {
                    if (restart) {
                        listener.restarted();
                    }
                })
                .onItem().invoke(this::accept)
                .collect().last()
                .map(last -> response());
    }

    /** The text written so far. */
    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    private void accept(String data) {
        if ("[DONE]".equals(data.trim())) {
            finished = true;
            return;
        }
        ChatCompletionChunk chunk;
        try {
            chunk = json.readValue(data, ChatCompletionChunk.class);
        } catch (JsonProcessingException unreadable) {
            throw brokeOff("llm-gateway sent an unreadable stream event");
        }
        if (chunk.error() != null) {
            throw brokeOff(chunk.error().message());
        }
        String delta = chunk.text();
        if (delta != null && !delta.isEmpty()) {
            synchronized (text) {
                text.append(delta);
            }
            listener.delta(delta);
        }
        if (chunk.finished()) {
            finished = true;
        }
    }

    private ChatCompletionResponse response() {
        if (!finished) {
            throw brokeOff("the stream ended before the reply was complete");
        }
        return new ChatCompletionResponse(null, null,
                List.of(new ChatCompletionResponse.Choice(0, new ChatMessage("assistant", text()), "stop")), null);
    }

    /** A broken stream: one upstream call spent, retryable by Temporal. */
    private static GatewayException brokeOff(String detail) {
        return new GatewayException(502, false, 0, BROKE_OFF, detail, 1);
    }
}
