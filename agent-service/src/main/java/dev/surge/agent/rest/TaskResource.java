package dev.surge.agent.rest;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

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
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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
import dev.surge.agent.service.ShutdownSignal;
import dev.surge.agent.service.TaskEvents;
import dev.surge.agent.service.TaskListing;
import dev.surge.agent.workflow.ReplyStreams;
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
    private final ShutdownSignal shutdown;
    private final ReplyStreams replyStreams;

    public TaskResource(ConversationService conversations, TaskListing listing, TaskEvents events, SurgeConfig config,
            ObjectMapper json, Callers callers, SecurityIdentity identity, ShutdownSignal shutdown,
            ReplyStreams replyStreams) {
        this.conversations = conversations;
        this.listing = listing;
        this.events = events;
        this.config = config;
        this.json = json;
        this.callers = callers;
        this.identity = identity;
        this.shutdown = shutdown;
        this.replyStreams = replyStreams;
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
    @Operation(summary = "Send a message; 200 with the reply once ready within the wait bound, else 202",
            // One operation per path and method in OpenAPI: the streamed variant below is described here.
            description = "With Accept: text/event-stream the reply is streamed as server-sent events as it is "
                    + "written: message.created {task_id, user_message_id, reply_message_id}; delta "
                    + "{reply_message_id, text} for each piece; message.restarted {reply_message_id} when a broken "
                    + "upstream stream is written again (drop what was shown); then message.completed or "
                    + "message.interrupted (the reply) or message.failed (a problem).")
    public Uni<Response> send(@PathParam("id") String id, PostMessageRequest request,
            @Parameter(description = "Makes retries safe: the same key returns the same reply")
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Parameter(description = "Seconds to wait for the reply, at most the configured bound")
            @QueryParam("wait") String waitSeconds) {
        Duration wait = waitBound(QueryParams.wholeNumber("wait", waitSeconds));
        PendingReply pending = conversations.submit(caller(), id, request == null ? null : request.content(),
                idempotencyKey);
        // An instance that is shutting down answers 202 at once: the frontend re-sends to one that stays.
        CompletionStage<Optional<Exchange>> reply = shutdown.orEmptyOnShutdown(conversations.replyWithin(pending, wait));
        return Uni.createFrom().completionStage(reply).map(exchange -> {
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
    @Operation(summary = "Send a message and receive the reply as server-sent events, as it is written: "
            + "message.created (the message's and the reply's ids), delta (text appended; message.restarted when the "
            + "reply is written again from the start), then message.completed, message.interrupted (the reply) or "
            + "message.failed (a problem)")
    public void sendStreaming(@PathParam("id") String id, PostMessageRequest request,
            @HeaderParam("Idempotency-Key") String idempotencyKey, @Context SseEventSink sink, @Context Sse sse) {
        SseEvents out = new SseEvents(sse, json);
        // The reply's id names the connection to the activity that writes it: known before the message is sent.
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString() : idempotencyKey;
        ReplyRelay relay = new ReplyRelay(sink, out, ConversationService.replyId(id, key));
        Runnable stopRelaying = replyStreams.listen(ConversationService.replyId(id, key), relay);
        PendingReply pending;
        try {
            pending = conversations.submit(caller(), id, request == null ? null : request.content(), key,
                    replyStreams.taskQueue());
        } catch (RuntimeException refused) {
            stopRelaying.run();
            throw refused;
        }
        relay.created(new AcceptedMessage(id, pending.userMessageId(), pending.replyId()));
        pending.handle().getResultAsync().whenComplete((exchange, error) -> {
            stopRelaying.run();
            ProblemException problem;
            if (error != null) {
                problem = ProblemMappers.replyUnavailable(pending.replyId());
            } else {
                try {
                    Message reply = conversations.checkSameContent(pending, exchange).reply();
                    if (reply.status() == MessageStatus.COMPLETED || reply.status() == MessageStatus.INTERRUPTED) {
                        relay.end(reply.status() == MessageStatus.COMPLETED ? "message.completed"
                                : "message.interrupted", reply);
                        return;
                    }
                    problem = failedReply(reply);
                } catch (ConversationException refused) {
                    problem = ProblemMappers.toProblem(refused);
                }
            }
            relay.end("message.failed", problem.toProblem("/tasks/" + id + "/messages"));
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
    @Path("{id}/interrupt")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Stop the reply being written: it becomes INTERRUPTED with the text written so far, and the "
            + "task stays open; 202 names the reply, 204 when no reply was being written")
    public Response interrupt(@PathParam("id") String id) {
        return conversations.interrupt(caller(), id)
                .map(reply -> Response.accepted(new AcceptedMessage(id, reply.inReplyTo(), reply.id()))
                        .header(HttpHeaders.LOCATION, location(id + "/messages/" + reply.id())).build())
                .orElseGet(() -> Response.noContent().build());
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
    @Operation(summary = "Server-sent events of the task, each with an id: task, message.created, "
            + "message.completed, message.failed, message.interrupted, task.ended; ':' keepalive comments. With "
            + "Last-Event-ID (header or last_event_id) the events after it are sent first; closes when the task ends")
    public void stream(@PathParam("id") String id,
            @Parameter(description = "Resume after this event id") @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "Resume after this event id, for clients that cannot set the header")
            @QueryParam("last_event_id") String lastEventIdQuery,
            @Context SseEventSink sink, @Context Sse sse) {
        Long after = QueryParams.wholeNumber("Last-Event-ID", lastEventId != null ? lastEventId : lastEventIdQuery);
        if (after != null && after < 0) {
            throw new ConversationException(ConversationException.Reason.INVALID_REQUEST,
                    "Last-Event-ID must not be negative");
        }
        SseEvents out = new SseEvents(sse, json);
        events.follow(caller(), id, after, () -> !sink.isClosed(), event -> {
            if (sink.isClosed()) {
                return false;
            }
            sink.send(event.isKeepalive() ? out.keepalive() : out.event(event.id(), event.name(), event.data()));
            return true;
        }, sink::close);
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
