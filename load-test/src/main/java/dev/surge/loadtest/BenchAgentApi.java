package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The requests the benchmark sends to agent-service. Their headers are built in {@link #headers()} only, so
 * that the one place where the benchmark authenticates to agent-service is there: a bearer token of the
 * benchmark's own signing key, which agent-service is started to verify.
 */
final class BenchAgentApi {

    private static final byte[] NO_BODY = new byte[0];
    private static final byte[] CREATE_TASK = "{\"agent\":\"default\"}".getBytes(UTF_8);

    private final URI agentService;
    private final Map<String, String> headers;

    BenchAgentApi(URI agentService, String token) {
        this.agentService = agentService;
        this.headers = headers(token);
    }

    /** {@code POST /tasks}: 201 with the task's URL in {@code Location}. */
    ByteBuf createTask() {
        return request("/tasks", CREATE_TASK);
    }

    /** {@code POST /tasks/{id}/messages}: 200 with the reply once it is ready. */
    ByteBuf sendMessage(String taskId, String content) {
        return request("/tasks/" + taskId + "/messages", ("{\"content\":\"" + content + "\"}").getBytes(UTF_8));
    }

    /** {@code POST /tasks/{id}/end}: 202, the conversation ends once its replies in flight are done. */
    ByteBuf endTask(String taskId) {
        return request("/tasks/" + taskId + "/end", NO_BODY);
    }

    /** The task id at the end of a {@code Location} such as {@code http://host:port/tasks/<id>}. */
    static String taskId(String location) {
        String path = URI.create(location).getPath();
        String id = path.substring(path.lastIndexOf('/') + 1);
        if (!path.startsWith("/tasks/") || id.isEmpty()) {
            throw new IllegalArgumentException("not a task location: " + location);
        }
        return id;
    }

    private ByteBuf request(String path, byte[] body) {
        return Unpooled.wrappedBuffer(BenchHttp.encode("POST", agentService, path, headers, body));
    }

    /** The headers of every request to agent-service, authentication included. */
    private static Map<String, String> headers(String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return headers;
    }
}
