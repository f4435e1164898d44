package dev.surge.agent.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import dev.surge.agent.workflow.ReplyStreams;

/**
 * The events of one streamed reply on its caller's connection: {@code message.created}, then {@code delta}s (and
 * {@code message.restarted} when the reply is written again), then the outcome. Text can arrive before the
 * conversation has confirmed the message (the activity may start first): it waits until {@code message.created} is
 * out, so the events always come in that order. Calls never overlap.
 */
final class ReplyRelay implements ReplyStreams.Listener {

    private final SseEventSink sink;
    private final SseEvents events;
    private final String replyId;
    private List<OutboundSseEvent> early = new ArrayList<>();

    ReplyRelay(SseEventSink sink, SseEvents events, String replyId) {
        this.sink = sink;
        this.events = events;
        this.replyId = replyId;
    }

    @Override
    public synchronized void delta(String text) {
        send(events.event(null, "delta", Map.of("reply_message_id", replyId, "text", text)));
    }

    @Override
    public synchronized void restarted() {
        send(events.event(null, "message.restarted", Map.of("reply_message_id", replyId)));
    }

    /** Sends {@code message.created}, then the text that arrived before it. */
    synchronized void created(Object message) {
        List<OutboundSseEvent> waiting = early;
        early = null;
        send(events.event(null, "message.created", message));
        waiting.forEach(this::send);
    }

    /** Sends the outcome of the reply and closes the stream; called after {@link #created}. */
    synchronized void end(String name, Object data) {
        send(events.event(null, name, data));
        sink.close();
    }

    private void send(OutboundSseEvent event) {
        if (early != null) {
            early.add(event);
        } else if (!sink.isClosed()) {
            sink.send(event);
        }
    }
}
