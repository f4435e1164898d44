package dev.surge.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.io.IOException;
import java.io.UncheckedIOException;
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
                .check(status().in(200, 202));
    }

    private final ChainBuilder sendMessage = exec(session -> session
            .set("sentAt", System.nanoTime())
            .set("status", OutcomeRecorder.NO_ANSWER))
            .exec(postMessage("send message"))
            .asLongAs(SurgeSimulation::stillPending).on(exec(postMessage("await reply")))
            .exec(session -> {
                long waited = System.nanoTime() - session.getLong("sentAt");
                boolean inTime = waited <= SETTINGS.patience().toNanos();
                OUTCOMES.record(inTime ? session.getInt("status") : OutcomeRecorder.NO_ANSWER, waited);
                return session;
            });

    private final ScenarioBuilder users = scenario("frontend users")
            // Each simulated user is its own caller, and owns the task it creates.
            .exec(session -> session.set("token", TOKENS.mint("user-" + session.userId())))
            .exec(HttpDsl.http("create task")
                    .post("/tasks")
                    .header("Authorization", "Bearer #{token}")
                    .body(StringBody("{}"))
                    .check(status().is(201))
                    .check(jsonPath("$.id").saveAs("taskId")))
            .exitHereIfFailed()
            .repeat(SETTINGS.messagesPerUser(), "n").on(sendMessage.pause(SETTINGS.thinkTime()));

    {
        setUp(users.injectOpen(rampUsers(SETTINGS.users()).during(SETTINGS.rampUp())))
                .protocols(httpProtocol)
                // Bounded in time whatever happens: the last user's arrival, then per message its patience, one
                // POST's wait beyond it (a POST in flight when patience runs out) and the think time.
                .maxDuration(SETTINGS.rampUp().plus(SETTINGS.patience().plus(SETTINGS.replyWait())
                        .plus(SETTINGS.thinkTime()).multipliedBy(SETTINGS.messagesPerUser())));
    }

    private static boolean stillPending(Session session) {
        return session.getInt("status") == 202 && patienceLeft(session) > 0;
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
