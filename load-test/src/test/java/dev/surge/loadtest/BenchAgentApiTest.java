package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;

class BenchAgentApiTest {

    private final BenchAgentApi api = new BenchAgentApi(URI.create("http://127.0.0.1:8080"), "t0k3n");

    @Test
    void sendsAMessageAsJsonToItsTaskWithTheBearerToken() {
        assertEquals("""
                POST /tasks/t-1/messages HTTP/1.1\r
                Host: 127.0.0.1:8080\r
                Authorization: Bearer t0k3n\r
                Content-Type: application/json\r
                Accept: application/json\r
                Content-Length: 19\r
                \r
                {"content":"Hello"}""", text(api.sendMessage("t-1", "Hello")));
    }

    @Test
    void endsATaskWithoutABody() {
        assertEquals("""
                POST /tasks/t-1/end HTTP/1.1\r
                Host: 127.0.0.1:8080\r
                Authorization: Bearer t0k3n\r
                Content-Type: application/json\r
                Accept: application/json\r
                \r
                """, text(api.endTask("t-1")));
    }

    @Test
    void readsTheTaskIdFromItsLocation() {
        assertEquals("0f6c-42", BenchAgentApi.taskId("http://127.0.0.1:8080/tasks/0f6c-42"));
        assertThrows(IllegalArgumentException.class, () -> BenchAgentApi.taskId("http://127.0.0.1:8080/other/1"));
        assertThrows(IllegalArgumentException.class, () -> BenchAgentApi.taskId("http://127.0.0.1:8080/tasks/"));
    }

    private static String text(ByteBuf request) {
        try {
            return request.toString(UTF_8);
        } finally {
            request.release();
        }
    }
}
