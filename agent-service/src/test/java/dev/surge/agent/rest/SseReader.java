package dev.surge.agent.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Reads a server-sent event stream as a browser's EventSource would, event by event as they arrive. */
final class SseReader {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SseReader() {
    }

    /**
     * One event: its {@code id:}, {@code event:} and {@code data:} fields (null when absent); a block with only a
     * {@code :} comment is a keepalive.
     */
    record Event(String id, String name, String data, boolean keepalive) {
    }

    /** Sends {@code request}, expects 200, and gives every event to {@code onEvent} as it arrives, then all of them. */
    static CompletableFuture<List<Event>> read(HttpRequest request, Consumer<Event> onEvent) {
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
            assertEquals(200, response.statusCode());
            List<Event> events = new ArrayList<>();
            String[] fields = new String[3];
            boolean[] comment = new boolean[1];
            response.body().forEach(line -> {
                if (line.isEmpty()) {
                    if (fields[1] != null || comment[0]) {
                        events.add(new Event(fields[0], fields[1], fields[2], fields[1] == null));
                        onEvent.accept(events.get(events.size() - 1));
                    }
                    fields[0] = fields[1] = fields[2] = null;
                    comment[0] = false;
                } else if (line.startsWith(":")) {
                    comment[0] = true;
                } else if (line.indexOf(':') > 0) {
                    String value = line.substring(line.indexOf(':') + 1).replaceFirst("^ ", "");
                    switch (line.substring(0, line.indexOf(':'))) {
                        case "id" -> fields[0] = value;
                        case "event" -> fields[1] = value;
                        case "data" -> fields[2] = fields[2] == null ? value : fields[2] + "\n" + value;
                        default -> {
                        }
                    }
                }
            });
            return events;
        });
    }
}
