package dev.surge.agent.rest;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Builds the API's server-sent events; one per request, since the {@link Sse} belongs to the request. */
final class SseEvents {

    private final Sse sse;
    private final ObjectMapper json;

    SseEvents(Sse sse, ObjectMapper json) {
        this.sse = sse;
        this.json = json;
    }

    /**
     * An event whose data is the JSON of {@code data}, with an {@code id:} when {@code id} is set. Serialised here: an
     * event given a media type is written with an extra {@code content-type:} field, which is no part of the SSE
     * format.
     */
    OutboundSseEvent event(Long id, String name, Object data) {
        try {
            OutboundSseEvent.Builder builder = sse.newEventBuilder().name(name).data(json.writeValueAsString(data));
            if (id != null) {
                builder.id(Long.toString(id));
            }
            return builder.build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the " + name + " event", e);
        }
    }

    /** A {@code :} comment that keeps a quiet stream open. */
    OutboundSseEvent keepalive() {
        return sse.newEventBuilder().comment("keepalive").build();
    }
}
