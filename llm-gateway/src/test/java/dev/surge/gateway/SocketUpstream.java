package dev.surge.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An upstream written byte by byte on a plain socket, one call per connection, for answers WireMock cannot give.
 * It is the gateway's upstream, or the deployment named by the init argument {@value #DEPLOYMENT}.
 */
abstract class SocketUpstream implements QuarkusTestResourceLifecycleManager {

    /** The init argument naming the deployment this upstream stands for. */
    static final String DEPLOYMENT = "deployment";

    private ServerSocket server;
    private String urlKey = "surge.gateway.upstream.url";

    /** Answers the call on {@code socket}, whose request was read; the socket is closed afterwards. */
    abstract void answer(Socket socket) throws IOException, InterruptedException;

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey(DEPLOYMENT)) {
            urlKey = "surge.gateway.deployments." + initArgs.get(DEPLOYMENT) + ".url";
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::serve, getClass().getSimpleName());
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of(urlKey, "http://localhost:" + server.getLocalPort() + "/v1");
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                readRequest(socket.getInputStream());
                answer(socket);
            } catch (IOException | InterruptedException e) {
                // Closed by stop(), or a probe or caller that went away: nothing to serve.
            }
        }
    }

    /** Reads the request head and its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next == -1) {
                throw new IOException("Connection closed in the request head");
            }
            head.append((char) next);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        in.readNBytes(length);
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (IOException e) {
            // Shutting down anyway.
        }
    }
}
