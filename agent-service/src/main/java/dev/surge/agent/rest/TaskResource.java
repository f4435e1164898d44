package dev.surge.agent.rest;

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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.surge.agent.Exchange;
import dev.surge.agent.Message;
import dev.surge.agent.MessageFailure;
import dev.surge.agent.MessagePage;
import dev.surge.agent.MessageStatus;
import dev.surge.agent.Owner;
import dev.surge.agent.Task;
import dev.surge.agent.TaskPage;
import dev.surge.agent.config.SurgeConfig;
import dev.surge.agent.security.Callers;
import dev.surge.agent.service.ConversationException;
import dev.surge.agent.service.ConversationService;
import dev.surge.agent.service.PendingReply;
import dev.surge.agent.service.TaskEvents;
import dev.surge.agent.service.TaskListing;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * The frontend API: tasks (conversations with an agent) and their messages, each task its caller's own.
 * Methods run on worker threads (Temporal client calls block briefly, each under a deadline); waiting for
 * a reply does not hold a thread.
 */
@Path("/tasks")
@Tag(name = "Tasks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
@Authenticated
public class TaskResource {

    private final ConversationService conversations;
    private final TaskListing listing;
    private final TaskEvents events;
    private final SurgeConfig config;
    private final ObjectMapper json;
    private final Callers callers;
    private final SecurityIdentity identity;

    public TaskResource(ConversationService conversations, TaskListing listing, TaskEvents events, SurgeConfig config, ObjectMapper json,
            Callers callers, SecurityIdentity identity) {
        this.conversations = conversations;
        this.listing = listing;
        this.events = events;
        this.config = config;
        this.json = json;
        this.callers = callers;
        this.identity = identity;
    }

    @POST
    @Operation(summary = "Start a conversation with an agent")
    public Response create(CreateTaskRequest request) {
        Task task = conversations.create(caller(), request == null ? null : request.agent(),
                request == null ? null : request.params());
        return Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, location(task.id())).entity(task)
                .build();
    }

    @GET
    @Operation(summary = "The caller's own tasks, newest first, a page at a time")
    public TaskPage list(
            @Parameter(description = "Only tasks in this status: RUNNING, COMPLETED, CANCELED or FAILED")
            @QueryParam("status") String status,
            @Parameter(description = "Only tasks of this agent") @QueryParam("agent") String agent,
            @Parameter(description = "Page size") @QueryParam("limit") String limit,
            @Parameter(description = "The next_cursor of the previous page") @QueryParam("cursor") String cursor) {
        return listing.list(caller(), status, agent, QueryParams.wholeNumber("limit", limit), cursor);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A task, its status and message count")
    public Task get(@PathParam("id") String id) {
        return conversations.get(caller(), id);
    }

    @POST
    @Path("{id}/messages")
    @Operation(summary = "Send a message; 200 with the reply once ready within the wait bound, else 202")
    public Uni<Response> send(@PathParam("id") String id, PostMessageRequest request,
            @Parameter(description = "Makes retries safe: the same key returns the same reply")
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Parameter(description = "Seconds to wait for the reply, at most the configured bound")
            @QueryParam("wait") String waitSeconds) {
        Duration wait = waitBound(QueryParams.wholeNumber("wait", waitSeconds));
        PendingReply pending = conversations.submit(caller(), id, request == null ? null : request.content(),
                idempotencyKey);
        return Uni.createFrom().completionStage(conversations.replyWithin(pending, wait)).map(exchange -> {
            if (exchange.isEmpty()) {
                return Response.accepted(new AcceptedMessage(id, pending.userMessageId(), pending.replyId()))
                        .header(HttpHeaders.LOCATION, location(id + "/messages/" + pending.replyId()))
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
        PendingReply pending = conversations.submit(caller(), id, request == null ? null : request.content(),
                idempotencyKey);
        sink.send(event(sse, "accepted", new AcceptedMessage(id, pending.userMessageId(), pending.replyId())));
        pending.handle().getResultAsync().whenComplete((exchange, error) -> {
            ProblemException problem;
            if (error != null) {
                problem = ProblemMappers.replyUnavailable(pending.replyId());
            } else {
                try {
                    Exchange checked = conversations.checkSameContent(pending, exchange);
                    if (checked.reply().status() == MessageStatus.COMPLETED) {
                        sink.send(event(sse, "completed", checked));
                        sink.close();
                        return;
                    }
                    problem = failedReply(checked.reply());
                } catch (ConversationException refused) {
                    problem = ProblemMappers.toProblem(refused);
                }
            }
            sink.send(event(sse, "failed", problem.toProblem("/tasks/" + id + "/messages")));
            sink.close();
        });
    }

    @GET
    @Path("{id}/messages")
    @Operation(summary = "The conversation's messages in order, paginated")
    public MessagePage list(@PathParam("id") String id,
            @Parameter(description = "Return the messages after this message id") @QueryParam("after") String after,
            @Parameter(description = "Page size") @QueryParam("limit") String limit) {
        return conversations.messages(caller(), id, after, QueryParams.wholeNumber("limit", limit));
    }

    @GET
    @Path("{id}/messages/{messageId}")
    @Operation(summary = "One message; poll a reply here until it is COMPLETED or FAILED")
    public Message message(@PathParam("id") String id, @PathParam("messageId") String messageId) {
        return conversations.message(caller(), id, messageId);
    }

    @POST
    @Path("{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Cancel the task; a reply in flight is abandoned")
    public Response cancel(@PathParam("id") String id) {
        conversations.cancel(caller(), id);
        return Response.accepted().header(HttpHeaders.LOCATION, location(id)).build();
    }

    @POST
    @Path("{id}/end")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "End the task once the replies in flight are done; it becomes COMPLETED")
    public Response end(@PathParam("id") String id) {
        conversations.end(caller(), id);
        return Response.accepted().header(HttpHeaders.LOCATION, location(id)).build();
    }

    @GET
    @Path("{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events of the task: task, message.created, message.completed, "
            + "message.failed, task.ended")
    public void stream(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        events.follow(caller(), id, () -> !sink.isClosed(), event -> {
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

    private Duration waitBound(Long waitSeconds) {
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
        // Only the gateway's and Surge's own reasons are shown; anything else may carry internals.
        String detail = failure == null || MessageFailure.INTERNAL.equals(failure.type()) ? "the reply failed"
                : failure.detail();
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

    private Owner caller() {
        return callers.owner(identity);
    }

    /**
     * The {@code Location} of a path under {@code /tasks/}: built from {@code surge.public-base-url} when set, else
     * relative; never from the request's {@code Host} header, which a caller controls.
     */
    private String location(String pathUnderTasks) {
        String path = "/tasks/" + pathUnderTasks;
        return config.publicBaseUrl().map(base -> base.toString().replaceAll("/+$", "") + path).orElse(path);
    }
}
