package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Exactly once when processes die: two agent-services and two llm-gateways on one standalone Temporal test server
 * serve users while an agent-service is killed (SIGKILL) mid-reply and restarted, a gateway is killed and
 * restarted, the provider fails a share of its requests for a while (5xx, resets, hangs), and the other
 * agent-service is terminated (SIGTERM) and restarted: the one killed is the one holding the most LLM calls, so
 * that the kill strikes replies in flight. The users behave as README asks a frontend to: each
 * message has its own {@code Idempotency-Key} and is re-sent with it, to the next instance, on a connection error, a
 * 202 or a 5xx that is not the reply's own failure. Afterwards every conversation is read back through the API and
 * checked. Run by {@code ChaosTest} and {@code ./demo --chaos}.
 */
final class ChaosRun {

    /**
     * @param users           users, each with one conversation
     * @param messages        messages each user sends, one after another
     * @param thinkTime       mean pause between a reply and the user's next message (drawn from half to 1.5 times it)
     * @param providerLatency how long the provider takes for a reply
     * @param messageDeadline how long one message may take, re-sends included, before it counts as lost
     */
    record Settings(int users, int messages, Duration thinkTime, Duration providerLatency, Duration messageDeadline) {

        /** About a minute of load with a dozen replies in flight: every fault strikes while messages are in flight. */
        static final Settings DEFAULT = new Settings(40, 6, Duration.ofSeconds(8), Duration.ofSeconds(3),
                Duration.ofSeconds(150));
    }

    /** One message's fate, as its user saw it. */
    record Sent(int user, String task, String key, String content, Frontend.Delivery delivery) {
    }

    /**
     * What happened.
     *
     * @param sent          every message, as its user saw it
     * @param conversations each user's conversation as the API shows it afterwards, by user
     * @param upstream      the provider's counts ({@code /sim/stats})
     * @param events        the faults, in order
     * @param startedMillis when the load began
     * @param seconds       how long the load took
     */
    record Result(List<Sent> sent, List<JsonNode> conversations, JsonNode upstream, List<Chaos.Event> events,
            long startedMillis, double seconds) {

        long completed() {
            return sent.stream().filter(s -> s.delivery().completed()).count();
        }

        long failed() {
            return sent.size() - completed();
        }

        int resent() {
            return sent.stream().mapToInt(s -> s.delivery().attempts() - 1).sum();
        }

        /**
         * Every breach of "each message answered exactly once" found: a message whose user got neither its reply nor
         * its failure with a reason, missing or duplicated in its conversation, out of order, a reply other than the
         * one stored, a reply still PENDING. Empty when there is none.
         */
        List<String> violations() {
            List<String> violations = new ArrayList<>();
            for (Sent message : sent) {
                Frontend.Answer answer = message.delivery().answer();
                if (message.delivery().completed()) {
                    if (!message.content().equals(answer.body().path("user_message").path("content").asText())) {
                        violations.add(message.key() + ": answered for another message: " + answer.body());
                    }
                } else if (Frontend.retryable(answer) || answer.body().path("detail").asText().isEmpty()) {
                    violations.add(message.key() + ": neither answered nor failed with a reason: " + message.delivery());
                }
            }
            for (int user = 0; user < conversations.size(); user++) {
                int owner = user;
                checkConversation(conversations.get(user), sent.stream().filter(s -> s.user() == owner).toList(),
                        violations);
            }
            return violations;
        }

        private static void checkConversation(JsonNode messages, List<Sent> own, List<String> violations) {
            if (messages.size() != 2 * own.size()) {
                violations.add("conversation " + own.get(0).task() + " holds " + messages.size() + " messages for "
                        + own.size() + " sent, each with one reply: " + messages);
                return;
            }
            for (int m = 0; m < own.size(); m++) {
                JsonNode question = messages.get(2 * m);
                JsonNode reply = messages.get(2 * m + 1);
                Sent message = own.get(m);
                String status = reply.path("status").asText();
                if (!"user".equals(question.path("role").asText())
                        || !message.content().equals(question.path("content").asText())
                        || !"assistant".equals(reply.path("role").asText())
                        || !question.path("id").asText().equals(reply.path("in_reply_to").asText())) {
                    violations.add(message.key() + ": not followed by its one reply, in order: " + messages);
                } else if (message.delivery().completed() && (!"COMPLETED".equals(status) || !reply.path("content")
                        .asText().equals(message.delivery().answer().body().path("reply").path("content").asText()))) {
                    violations.add(message.key() + ": the stored reply is not the one its user got: " + reply);
                } else if (!message.delivery().completed()
                        && (!"FAILED".equals(status) || !reply.path("failure").path("type").isTextual())) {
                    violations.add(message.key() + ": not FAILED with a reason: " + reply);
                }
            }
        }

        /** Upstream 200s that no reply used: answers that arrived as their attempt was given up. */
        long unusedAnswers() {
            return upstream.path("by_status").path("200").asLong() - completed();
        }

        String summary() {
            long requests = upstream.path("requests").asLong();
            return String.format("%d messages in %.0f s: %d completed, %d failed with a reason, %d violations of "
                    + "exactly once, %d re-sends; upstream %d requests (%.2f a message), by status %s",
                    sent.size(), seconds, completed(), failed(), violations().size(), resent(), requests,
                    (double) requests / sent.size(), upstream.path("by_status"));
        }

        /** The run as JSON: the counts, the provider's, and each fault with its second since the load began. */
        ObjectNode toJson(ObjectMapper json) {
            ObjectNode report = json.createObjectNode();
            report.put("messages", sent.size());
            report.put("completed", completed());
            report.put("failed_with_reason", failed());
            report.put("lost_or_duplicated", violations().size());
            report.put("re_sends", resent());
            report.put("seconds", Math.round(seconds));
            report.set("upstream", upstream);
            ArrayNode timeline = report.putArray("events");
            for (Chaos.Event event : events) {
                timeline.addObject().put("second", (event.epochMillis() - startedMillis) / 1000.0)
                        .put("what", event.what());
            }
            return report;
        }
    }

    private ChaosRun() {
    }

    /**
     * Starts the stack, runs the load and the faults, reads every conversation back, stops the stack. {@code started}
     * gets the stack as soon as it runs, so that an interrupt (Ctrl-C) can stop it too.
     */
    static Result run(Path root, Path logs, Settings settings, Consumer<AutoCloseable> started)
            throws IOException, InterruptedException {
        try (LoopbackStack stack = LoopbackStack.start(root, logs, settings.providerLatency())) {
            started.accept(stack);
            SurgeProcesses.Service gateway1 = stack.gateway("llm-gateway-1");
            SurgeProcesses.Service gateway2 = stack.gateway("llm-gateway-2");
            List<SurgeProcesses.Service> gateways = List.of(gateway1, gateway2);
            // Logs why an attempt's answer was not used (its activity had timed out, or its process was stopping).
            Map<String, String> config = Map.of("quarkus.log.category.\"dev.surge.agent.workflow.PendingLlmCall\".level",
                    "DEBUG");
            SurgeProcesses.Service agent1 = stack.agentService("agent-service-1", gateways, config);
            SurgeProcesses.Service agent2 = stack.agentService("agent-service-2", gateways, config);
            List<SurgeProcesses.Service> agents = List.of(agent1, agent2);
            SimulatorControl provider = stack.provider();
            Chaos chaos = new Chaos();

            long startedMillis = System.currentTimeMillis();
            long startedNanos = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(settings.users() + 1);
            try {
                List<Future<List<Sent>>> users = new ArrayList<>();
                for (int user = 0; user < settings.users(); user++) {
                    int index = user;
                    users.add(pool.submit(() -> converse(stack, agents, index, settings)));
                }
                Future<?> faults = pool.submit(() -> {
                    Thread.sleep(5_000);
                    // kill -9 the instance holding the most LLM calls, later SIGTERM the other one: each goes through one.
                    SurgeProcesses.Service killed = chaos.busiest(agents);
                    chaos.killAndRestart(killed);
                    Thread.sleep(3_000);
                    chaos.killAndRestart(gateway1);
                    Thread.sleep(3_000);
                    chaos.faultBurst(provider, 0.3, Duration.ofSeconds(8), Duration.ofSeconds(10));
                    Thread.sleep(3_000);
                    chaos.terminateAndRestart(killed == agent1 ? agent2 : agent1, Duration.ofSeconds(60));
                    return null;
                });
                Duration bound = settings.messageDeadline().plus(settings.thinkTime().multipliedBy(2))
                        .multipliedBy(settings.messages());
                faults.get(bound.toSeconds(), TimeUnit.SECONDS);
                List<Sent> sent = new ArrayList<>();
                for (Future<List<Sent>> user : users) {
                    sent.addAll(user.get(bound.toSeconds(), TimeUnit.SECONDS));
                }
                double seconds = (System.nanoTime() - startedNanos) / 1e9;
                List<JsonNode> conversations = new ArrayList<>();
                for (int user = 0; user < settings.users(); user++) {
                    int index = user;
                    String task = sent.stream().filter(s -> s.user() == index).findFirst().orElseThrow().task();
                    conversations.add(LoopbackStack.messages(stack.user("user-" + user, Duration.ofSeconds(10)),
                            agents.get(user % agents.size()), task));
                }
                return new Result(sent, conversations, provider.stats(), chaos.events(), startedMillis, seconds);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("the chaos run did not finish: " + e, e);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One user: a task, then its messages one after another, each delivered whatever happens. */
    private static List<Sent> converse(LoopbackStack stack, List<SurgeProcesses.Service> agents, int user,
            Settings settings) throws IOException, InterruptedException {
        Frontend frontend = stack.user("user-" + user, Duration.ofSeconds(70));
        Supplier<URI> nextInstance = roundRobin(agents, user);
        Thread.sleep(ThreadLocalRandom.current().nextLong(2_000));
        String task = frontend.createTask(nextInstance, deadline(settings.messageDeadline()));
        List<Sent> sent = new ArrayList<>();
        long think = settings.thinkTime().toMillis();
        for (int m = 0; m < settings.messages(); m++) {
            String key = "user-" + user + "-message-" + m;
            String content = "message " + m + " of user " + user;
            sent.add(new Sent(user, task, key, content, frontend.deliver(nextInstance, task, content, key,
                    Duration.ofSeconds(60), deadline(settings.messageDeadline()))));
            Thread.sleep(think / 2 + ThreadLocalRandom.current().nextLong(think));
        }
        return sent;
    }

    /** A frontend behind a load balancer: each request goes to the next instance. */
    private static Supplier<URI> roundRobin(List<SurgeProcesses.Service> agents, int start) {
        AtomicInteger next = new AtomicInteger(start);
        return () -> agents.get(Math.floorMod(next.getAndIncrement(), agents.size())).url();
    }

    private static long deadline(Duration in) {
        return System.nanoTime() + in.toNanos();
    }
}
