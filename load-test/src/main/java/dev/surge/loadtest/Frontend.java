package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An agent frontend as README's "what a frontend should do" describes it, for the tests that kill processes: every
 * message is sent with its own {@code Idempotency-Key} and re-sent with the same key, to whichever agent-service
 * instance is reachable, on a connection error, a 202 (reply not ready yet), a 429 or a 503 that is not the reply's
 * own failure, until it gets the reply or the reply's failure.
 */
final class Frontend {

    /** One HTTP answer: its status (0 when the connection failed) and its JSON body (empty when it had none). */
    record Answer(int status, JsonNode body) {

        String problemType() {
            return body.path("type").asText("");
        }
    }

    /**
     * How one message ended.
     *
     * @param answer   the last answer: 200 with the exchange, or the reply's failure
     * @param attempts POSTs sent for it, the first included
     * @param statuses the status of each attempt, 0 for a connection error
     */
    record Delivery(Answer answer, int attempts, List<Integer> statuses) {

        boolean completed() {
            return answer.status() == 200;
        }
    }

    /** One server-sent event: its name ({@code message} when it has none) and its data as JSON. */
    record Event(String name, JsonNode data) {
    }

    /**
     * How a streamed message ended on its connection.
     *
     * @param status the response's status, 0 when the connection failed before it
     * @param events the events received, in order
     * @param cutBy  what ended the stream before the server closed it, empty when the server closed it (or, when
     *               the status is not 200, the response's body)
     */
    record Streamed(int status, List<Event> events, String cutBy) {

        /** The events called {@code name}, in order. */
        List<Event> named(String name) {
            return events.stream().filter(event -> event.name().equals(name)).toList();
        }

        /** The text of every {@code delta} event, joined in order: what a frontend shows. */
        String shownText() {
            StringBuilder text = new StringBuilder();
            named("delta").forEach(delta -> text.append(delta.data().path("text").asText()));
            return text.toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEMS = "https://surge.dev/problems/";
    /** A reply's own failure: sending the message again with its key returns the same failure. */
    private static final List<String> REPLY_FAILURES = List.of(PROBLEMS + "upstream-capacity",
            PROBLEMS + "request-rejected", PROBLEMS + "reply-failed");
    private static final Duration PAUSE = Duration.ofMillis(500);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final String token;
    private final Duration requestTimeout;

    /**
     * @param token          the user's bearer token
     * @param requestTimeout how long one request may take before it counts as a connection error
     */
    Frontend(String token, Duration requestTimeout) {
        this.token = token;
        this.requestTimeout = requestTimeout;
    }

    /** {@code POST /tasks}: the new task's id, re-sent (to the next instance) until one answers 201. */
    String createTask(Supplier<URI> agents, long deadlineNanos) throws IOException, InterruptedException {
        while (true) {
            Answer answer = post(agents.get(), "/tasks", "{\"agent\":\"default\"}", null);
            if (answer.status() == 201) {
                return answer.body().path("id").asText();
            }
            if (!retryable(answer) || System.nanoTime() > deadlineNanos) {
                throw new IOException("POST /tasks answered " + answer.status() + " " + answer.body());
            }
            Thread.sleep(PAUSE.toMillis());
        }
    }

    /**
     * Sends one message until it is answered, re-sending with the same {@code key} as a frontend does; gives up at
     * {@code deadlineNanos} with the last answer.
     */
    Delivery deliver(Supplier<URI> agents, String taskId, String content, String key, Duration wait,
            long deadlineNanos) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("content", content);
        List<Integer> statuses = new ArrayList<>();
        while (true) {
            Answer answer = post(agents.get(), "/tasks/" + taskId + "/messages?wait=" + wait.toSeconds(),
                    body.toString(), key);
            statuses.add(answer.status());
            if (!retryable(answer) || System.nanoTime() > deadlineNanos) {
                return new Delivery(answer, statuses.size(), statuses);
            }
            if (answer.status() != 202) {
                Thread.sleep(PAUSE.toMillis());
            }
        }
    }

    /**
     * Sends one message once, with {@code Accept: text/event-stream}, and reads the reply's events until the server
     * closes the stream or the connection breaks; each event is also handed to {@code onEvent} as it arrives.
     * {@code requestTimeout} bounds the wait for the response's headers only.
     */
    Streamed stream(URI agent, String taskId, String content, String key, Consumer<Event> onEvent)
            throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(agent.resolve("/tasks/" + taskId + "/messages"))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("content", content).toString(),
                        UTF_8))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return new Streamed(0, List.of(), String.valueOf(e));
        }
        List<Event> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
            if (response.statusCode() != 200) {
                return new Streamed(response.statusCode(), List.of(), String.join("\n", lines.lines().toList()));
            }
            String name = null;
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        Event event = new Event(name == null ? "message" : name, JSON.readTree(data.toString()));
                        events.add(event);
                        onEvent.accept(event);
                    }
                    name = null;
                    data = null;
                } else if (line.startsWith("event:")) {
                    name = field(line);
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder(field(line)) : data.append('\n').append(field(line));
                }
            }
            return new Streamed(200, List.copyOf(events), "");
        } catch (IOException e) {
            return new Streamed(response.statusCode(), List.copyOf(events), String.valueOf(e));
        }
    }

    /** The value of an SSE field line: what follows the colon, without the one space after it. */
    private static String field(String line) {
        String value = line.substring(line.indexOf(':') + 1);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** {@code GET <path>} of {@code agent}, once. */
    Answer get(URI agent, String path) throws InterruptedException {
        return send(HttpRequest.newBuilder(agent.resolve(path)).GET());
    }

    /** Whether a frontend sends the request again: the reply is not there yet, or the instance could not answer. */
    static boolean retryable(Answer answer) {
        int status = answer.status();
        return status == 0 || status == 202 || status == 429
                || status >= 500 && !REPLY_FAILURES.contains(answer.problemType());
    }

    private Answer post(URI agent, String path, String body, String key) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(agent.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return send(request);
    }

    private Answer send(HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request.timeout(requestTimeout)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
            String text = response.body();
            return new Answer(response.statusCode(),
                    text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text));
        } catch (IOException e) {
            return new Answer(0, JSON.createObjectNode().put("error", String.valueOf(e)));
        }
    }
}
