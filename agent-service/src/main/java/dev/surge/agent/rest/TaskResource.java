package dev.surge.agent.rest;

import java.net.URI;
import java.time.Duration;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.surge.agent.Message;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessagePage;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Task;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.service.ConversationException;
import dev.surge.agent.service.ConversationService;
import dev.surge.agent.service.PendingReply;
import dev.surge.agent.service.TaskEvents;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * The frontend API: tasks (conversations with an agent) and their messages. Methods run on worker
 * threads (Temporal client calls block briefly); waiting for a reply does not hold a thread.
 */
@Path("/tasks")
@Tag(name = "Tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
public class TaskResource {

    private final ConversationService conversations;
    private final TaskEvents events;
    private final SurgeConfig config;
    private final ObjectMapper json;

    public TaskResource(ConversationService conversations, TaskEvents events, SurgeConfig config, ObjectMapper json) {
        this.conversations = conversations;
        this.events = events;
        this.config = config;
        this.json = json;
    }

    @POST
    @Operation(summary = "Start a conversation with an agent")
    public Response create(CreateTaskRequest request, @Context UriInfo uri) {
        Task task = conversations.create(request == null ? null : request.agent(),
                request == null ? null : request.params());
        return Response.created(uri.getBaseUriBuilder().path("tasks").path(task.id()).build()).entity(task).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A task, its status and message count")
    public Task get(@PathParam("id") String id) {
        return conversations.get(id);
    }

    @POST
    @Path("{id}/messages")
    @Operation(summary = "Send a message; 200 with the reply once ready within the wait bound, else 202")
    public Uni<Response> send(@PathParam("id") String id, PostMessageRequest request,
            @Parameter(description = "Makes retries safe: the same key returns the same reply")
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Parameter(description = "Seconds to wait for the reply, at most the configured bound")
            @QueryParam("wait") Integer waitSeconds,
            @Context UriInfo uri) {
        Duration wait = waitBound(waitSeconds);
        PendingReply pending = conversations.submit(id, request == null ? null : request.content(), idempotencyKey);
        return Uni.createFrom().completionStage(conversations.replyWithin(pending, wait)).map(exchange -> {
            if (exchange.isEmpty()) {
                return Response.accepted(new AcceptedMessage(id, pending.userMessageId(), pending.replyId()))
                        .location(messageUri(uri, id, pending.replyId()))
                        .build();
            }
            if (exchange.get().reply().status() == MessageStatus.FAILED) {
                throw failedReply(exchange.get().reply());
            }
            return Response.ok(exchange.get()).build();
        });
    }

    @POST
    @Path("{id}/messages")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Send a message and receive the reply as server-sent events: accepted, then completed or failed")
    public void sendStreaming(@PathParam("id") String id, PostMessageRequest request,
            @HeaderParam("Idempotency-Key") String idempotencyKey, @Context SseEventSink sink, @Context Sse sse) {
        PendingReply pending = conversations.submit(id, request == null ? null : request.content(), idempotencyKey);
        sink.send(event(sse, "accepted", new AcceptedMessage(id, pending.userMessageId(), pending.replyId())));
        pending.handle().getResultAsync().whenComplete((exchange, error) -> {
            if (error == null && exchange.reply().status() == MessageStatus.COMPLETED) {
                sink.send(event(sse, "completed", exchange));
            } else {
                ProblemException problem = error == null ? failedReply(exchange.reply())
                        : new ProblemException(502, ProblemMappers.TYPE_BASE + "reply-failed", "Reply failed",
                                error.getMessage(), pending.replyId(), 0);
                sink.send(event(sse, "failed", problem.toProblem("/tasks/" + id + "/messages")));
            }
            sink.close();
        });
    }

    @GET
    @Path("{id}/messages")
    @Operation(summary = "The conversation's messages in order, paginated")
    public MessagePage list(@PathParam("id") String id,
            @Parameter(description = "Return the messages after this message id") @QueryParam("after") String after,
            @Parameter(description = "Page size") @QueryParam("limit") Integer limit) {
        return conversations.messages(id, after, limit);
    }

    @GET
    @Path("{id}/messages/{messageId}")
    @Operation(summary = "One message; poll a reply here until it is COMPLETED or FAILED")
    public Message message(@PathParam("id") String id, @PathParam("messageId") String messageId) {
        return conversations.message(id, messageId);
    }

    @POST
    @Path("{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Cancel the task; a reply in flight is abandoned")
    public Response cancel(@PathParam("id") String id, @Context UriInfo uri) {
        conversations.cancel(id);
        return Response.accepted().location(uri.getBaseUriBuilder().path("tasks").path(id).build()).build();
    }

    @POST
    @Path("{id}/end")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "End the task once the replies in flight are done; it becomes COMPLETED")
    public Response end(@PathParam("id") String id, @Context UriInfo uri) {
        conversations.end(id);
        return Response.accepted().location(uri.getBaseUriBuilder().path("tasks").path(id).build()).build();
    }

    @GET
    @Path("{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events of the task: task, message.created, message.completed, "
            + "message.failed, task.ended")
    public void stream(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        events.follow(id, event -> {
            if (sink.isClosed()) {
                return false;
            }
            sink.send(event(sse, event.name(), event.data()));
            return true;
        }, sink::close);
    }

    /**
     * An SSE event whose data is the JSON of {@code data}. Serialised here: an event given a media type is
     * written with an extra {@code content-type:} field, which is no part of the SSE format.
     */
    private OutboundSseEvent event(Sse sse, String name, Object data) {
        try {
            return sse.newEventBuilder().name(name).data(json.writeValueAsString(data)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the " + name + " event", e);
        }
    }

    private Duration waitBound(Integer waitSeconds) {
        Duration bound = config.messages().replyWait();
        if (waitSeconds == null) {
            return bound;
        }
        if (waitSeconds < 0) {
            throw new ConversationException(ConversationException.Reason.INVALID_REQUEST, "wait must not be negative");
        }
        Duration asked = Duration.ofSeconds(waitSeconds);
        return asked.compareTo(bound) < 0 ? asked : bound;
    }

    private ProblemException failedReply(Message reply) {
        MessageFailure failure = reply.failure();
        String detail = failure == null ? "the reply failed" : failure.detail();
        if (failure != null && MessageFailure.UPSTREAM_CAPACITY.equals(failure.type())) {
            long retryAfter = failure.retryAfterSeconds() > 0 ? failure.retryAfterSeconds()
                    : Math.max(1, config.messages().defaultRetryAfter().toSeconds());
            return new ProblemException(503, ProblemMappers.TYPE_BASE + "upstream-capacity",
                    "The language model is over capacity", detail, reply.id(), retryAfter);
        }
        if (failure != null && MessageFailure.REQUEST_REJECTED.equals(failure.type())
                && failure.upstreamStatus() != 401 && failure.upstreamStatus() != 403
                && failure.upstreamStatus() != 404) {
            return new ProblemException(422, ProblemMappers.TYPE_BASE + "request-rejected",
                    "The language model rejected the request", detail, reply.id(), 0);
        }
        return new ProblemException(502, ProblemMappers.TYPE_BASE + "reply-failed", "Reply failed", detail,
                reply.id(), 0);
    }

    private static URI messageUri(UriInfo uri, String taskId, String messageId) {
        return uri.getBaseUriBuilder().path("tasks").path(taskId).path("messages").path(messageId).build();
    }
}
