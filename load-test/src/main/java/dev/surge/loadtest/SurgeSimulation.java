package dev.surge.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpDsl;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The seed's load test: {@code users} frontends each open a conversation and send
 * {@code messagesPerUser} messages one after another, with a short think time, against agent-service.
 *
 * <p>A message succeeds when the frontend gets the assistant's reply: a 200 on the POST, or a 202
 * followed by polls that find the reply completed. Anything else is a failed message, recorded
 * with the status the frontend saw.
 */
public class SurgeSimulation extends Simulation {

    private static final ScenarioSettings SETTINGS = ScenarioSettings.fromSystemProperties();
    private static final OutcomeRecorder OUTCOMES = new OutcomeRecorder();
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private final HttpProtocolBuilder httpProtocol = HttpDsl.http
            .baseUrl(SETTINGS.baseUrl())
            .acceptHeader("application/json")
            .contentTypeHeader("application/json")
            .disableCaching()
            .disableWarmUp();

    /** Polls an accepted message until it completes, fails or the poll limit is reached. */
    private final ChainBuilder awaitAcceptedReply = asLongAs(SurgeSimulation::stillPending).on(
            pause(POLL_INTERVAL)
                    .exec(HttpDsl.http("poll reply").get("#{location}")
                            .check(status().is(200))
                            .check(jsonPath("$.status").saveAs("messageStatus"))
                            .check(jsonPath("$.error.status").ofInt().optional().saveAs("failureStatus")))
                    .exec(SurgeSimulation::settleFromPoll));

    private final ChainBuilder sendMessage = exec(session -> session
            .set("sentAt", System.nanoTime())
            .remove("location")
            .remove("failureStatus"))
            .exec(HttpDsl.http("send message")
                    .post("/tasks/#{taskId}/messages")
                    .queryParam("wait", SETTINGS.replyWait().toSeconds())
                    .header("Idempotency-Key", "#{taskId}-#{n}")
                    .body(StringBody(session -> "{\"content\":\"Message " + session.getInt("n")
                            + " from user " + session.userId() + ": summarise the plan in one sentence.\"}"))
                    .check(status().saveAs("status"))
                    .check(header("Location").optional().saveAs("location"))
                    .check(status().in(200, 202)))
            .doIf(session -> session.getInt("status") == 202).then(awaitAcceptedReply)
            .exec(session -> {
                OUTCOMES.record(session.getInt("status"), System.nanoTime() - session.getLong("sentAt"));
                return session;
            });

    private final ScenarioBuilder users = scenario("frontend users")
            .exec(session -> session.set("status", OutcomeRecorder.NO_ANSWER))
            .exec(HttpDsl.http("create task")
                    .post("/tasks")
                    .body(StringBody("{}"))
                    .check(status().is(201))
                    .check(jsonPath("$.id").saveAs("taskId")))
            .exitHereIfFailed()
            .repeat(SETTINGS.messagesPerUser(), "n").on(
                    exec(session -> session.set("status", OutcomeRecorder.NO_ANSWER))
                            .exec(sendMessage)
                            .pause(SETTINGS.thinkTime()));

    {
        setUp(users.injectOpen(rampUsers(SETTINGS.users()).during(SETTINGS.rampUp())))
                .protocols(httpProtocol)
                // Bounded in time whatever happens: every user's messages plus generous polling.
                .maxDuration(SETTINGS.pollLimit().multipliedBy(2)
                        .plus(SETTINGS.thinkTime().plus(SETTINGS.replyWait()).multipliedBy(SETTINGS.messagesPerUser())));
    }

    private static boolean stillPending(Session session) {
        return session.getInt("status") == 202
                && System.nanoTime() - session.getLong("sentAt") < SETTINGS.pollLimit().toNanos();
    }

    /** Maps the polled message to the status a frontend would have seen had it waited for the POST. */
    private static Session settleFromPoll(Session session) {
        String messageStatus = session.contains("messageStatus") ? session.getString("messageStatus") : "";
        return switch (messageStatus.toUpperCase()) {
            case "COMPLETED" -> session.set("status", 200);
            case "FAILED" -> session.set("status",
                    session.contains("failureStatus") ? session.getInt("failureStatus") : 503);
            default -> session;
        };
    }

    /** Lines starting with this are echoed by the launcher as progress. */
    static final String PROGRESS = "[surge] ";

    private final ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "surge-progress");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void before() {
        long expected = (long) SETTINGS.users() * SETTINGS.messagesPerUser();
        progress.scheduleAtFixedRate(() -> System.out.println(PROGRESS + OUTCOMES.progress(expected)),
                5, 5, TimeUnit.SECONDS);
    }

    @Override
    public void after() {
        progress.shutdownNow();
        try {
            OUTCOMES.writeTo(SETTINGS.outcomes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
