package dev.surge.agent.rest;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.temporal.testserver.TestServer;

/** A port-bound Temporal test server (real time, real gRPC) for {@code @QuarkusTest}s. */
public class TemporalTestServerResource implements QuarkusTestResourceLifecycleManager {

    private TestServer.PortBoundTestServer server;

    @Override
    public Map<String, String> start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server = TestServer.createPortBoundServer(port, true);
        return Map.of("quarkus.temporal.connection.target", "127.0.0.1:" + port);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
