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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpDsl;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * The seed's load test: {@code users} frontends each open a conversation and send
 * {@code messagesPerUser} messages one after another, with a short think time, against agent-service.
 *
 * <p>A message succeeds when the frontend gets the assistant's reply within its patience: a 200 on
 * the POST, or on a repeat of it after a 202. A reply later than that is a failed message
 * ({@code no_answer}); anything else is a failed message recorded with the status the frontend saw.
 *
 * <p>Like a frontend, a user sends a request again after the {@code Retry-After} of a refusal that says
 * "not now" (429, or 503 {@code temporarily-unavailable}: Surge could not reach Temporal in time), within its
 * patience; a message whose reply failed (503 {@code upstream-capacity}, 502, 422) is not retried, since the
 * same {@code Idempotency-Key} would only return the same failure. A user that cannot open its conversation
 * within its patience records every one of its messages as failed with the last status it saw: no message of
 * the scenario goes uncounted.
 */
public class SurgeSimulation extends Simulation {

    private static final ScenarioSettings SETTINGS = ScenarioSettings.fromSystemProperties();
    private static final OutcomeRecorder OUTCOMES = new OutcomeRecorder();
    private static final DemoTokens TOKENS = DemoTokens.fromSystemProperty();

    private final HttpProtocolBuilder httpProtocol = HttpDsl.http
            .baseUrl(SETTINGS.baseUrl())
            .acceptHeader("application/json")
            .contentTypeHeader("application/json")
            .disableCaching()
            .disableWarmUp();

    /**
     * The POST of a user's message. Sent again with the same {@code Idempotency-Key} while agent-service
     * answers 202: a retried POST returns the same reply without a second LLM call, so this is how a
     * frontend long-polls for a slow reply and still sees the status a failure is reported with.
     */
    private static HttpRequestActionBuilder postMessage(String name) {
        return HttpDsl.http(name)
                .post("/tasks/#{taskId}/messages")
                .queryParam("wait", SurgeSimulation::waitSeconds)
                .header("Idempotency-Key", "#{taskId}-#{n}")
                .header("Authorization", "Bearer #{token}")
                .body(StringBody(session -> "{\"content\":\"Message " + session.getInt("n")
                        + " from user " + session.userId() + ": summarise the plan in one sentence.\"}"))
                .check(status().saveAs("status"))
                .check(header("Retry-After").optional().saveAs("retryAfter"))
                .check(jsonPath("$.type").optional().saveAs("problem"))
                .check(status().in(200, 202));
    }

    /** Forgets what the previous answer said, so that a check that finds nothing leaves no stale value. */
    private static Session forgetLastAnswer(Session session) {
        return session.remove("retryAfter").remove("problem");
    }

    private final ChainBuilder sendMessage = exec(session -> session
            .set("sentAt", System.nanoTime())
            .set("status", OutcomeRecorder.NO_ANSWER))
            .exec(SurgeSimulation::forgetLastAnswer)
            .exec(postMessage("send message"))
            .asLongAs(SurgeSimulation::stillPending).on(
                    doIf(session -> notNow(session, session.getInt("status")))
                            .then(pause(SurgeSimulation::retryDelay))
                            .exec(SurgeSimulation::forgetLastAnswer)
                            .exec(postMessage("await reply")))
            .exec(session -> {
                long waited = System.nanoTime() - session.getLong("sentAt");
                boolean inTime = waited <= SETTINGS.patience().toNanos();
                OUTCOMES.record(inTime ? session.getInt("status") : OutcomeRecorder.NO_ANSWER, waited);
                return session;
            });

    private final ScenarioBuilder users = scenario("frontend users")
            // Each simulated user is its own caller, and owns the task it creates.
            .exec(session -> session.set("token", TOKENS.mint("user-" + session.userId()))
                    .set("sentAt", System.nanoTime())
                    .set("createStatus", OutcomeRecorder.NO_ANSWER))
            .asLongAs(SurgeSimulation::creating).on(
                    exec(SurgeSimulation::forgetLastAnswer)
                            .exec(HttpDsl.http("create task")
                                    .post("/tasks")
                                    .header("Authorization", "Bearer #{token}")
                                    .body(StringBody("{}"))
                                    .check(status().saveAs("createStatus"))
                                    .check(header("Retry-After").optional().saveAs("retryAfter"))
                                    .check(jsonPath("$.type").optional().saveAs("problem"))
                                    .check(status().is(201))
                                    .check(jsonPath("$.id").saveAs("taskId")))
                            .doIf(SurgeSimulation::creating).then(pause(SurgeSimulation::retryDelay)))
            .doIfOrElse(session -> session.contains("taskId"))
            .then(repeat(SETTINGS.messagesPerUser(), "n").on(sendMessage.pause(SETTINGS.thinkTime())))
            .orElse(exec(session -> {
                long waited = System.nanoTime() - session.getLong("sentAt");
                for (int i = 0; i < SETTINGS.messagesPerUser(); i++) {
                    OUTCOMES.record(session.getInt("createStatus"), waited);
                }
                return session;
            }));

    {
        setUp(users.injectOpen(rampUsers(SETTINGS.users()).during(SETTINGS.rampUp())))
                .protocols(httpProtocol)
                // Bounded in time whatever happens: the last user's arrival, then per message its patience, one
                // POST's wait beyond it (a POST in flight when patience runs out) and the think time.
                .maxDuration(SETTINGS.rampUp().plus(SETTINGS.patience().plus(SETTINGS.replyWait())
                        .plus(SETTINGS.thinkTime()).multipliedBy(SETTINGS.messagesPerUser())));
    }

    private static boolean stillPending(Session session) {
        int status = session.getInt("status");
        return (status == 202 || notNow(session, status)) && patienceLeft(session) > 0;
    }

    /** Whether the conversation is still to be opened: not yet tried, or refused for now, within the patience. */
    private static boolean creating(Session session) {
        if (session.contains("taskId")) {
            return false;
        }
        int status = session.getInt("createStatus");
        return (status == OutcomeRecorder.NO_ANSWER || notNow(session, status)) && patienceLeft(session) > 0;
    }

    /** A refusal that asks to come back later: a quota (429), or Surge not reaching Temporal in time (503). */
    private static boolean notNow(Session session, int status) {
        return status == 429 || status == 503 && session.contains("problem")
                && session.getString("problem").endsWith("/temporarily-unavailable");
    }

    /** The refusal's {@code Retry-After} (1 s when it gave none), at most the patience left. */
    private static Duration retryDelay(Session session) {
        long seconds = 1;
        if (session.contains("retryAfter")) {
            try {
                seconds = Math.max(1, Long.parseLong(session.getString("retryAfter").trim()));
            } catch (NumberFormatException e) {
                // An HTTP date or garbage: the default.
            }
        }
        return Duration.ofNanos(Math.max(0, Math.min(TimeUnit.SECONDS.toNanos(seconds), patienceLeft(session))));
    }

    /** Seconds the next POST may wait for its reply: agent-service's bound, but no longer than the patience left. */
    private static long waitSeconds(Session session) {
        long left = TimeUnit.NANOSECONDS.toSeconds(patienceLeft(session) + TimeUnit.SECONDS.toNanos(1) - 1);
        return Math.max(1, Math.min(SETTINGS.replyWait().toSeconds(), left));
    }

    private static long patienceLeft(Session session) {
        return SETTINGS.patience().toNanos() - (System.nanoTime() - session.getLong("sentAt"));
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
