package dev.surge.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An upstream that starts a stream and drops the connection after its first event: something WireMock cannot do,
 * since it sends nothing before its first dribbled chunk. Counts the calls it got. It is the gateway's upstream,
 * or with the init argument {@value #DEPLOYMENT} the deployment of that name.
 */
public class BreakingUpstream implements QuarkusTestResourceLifecycleManager {

    /** Calls received since the application started. */
    static final AtomicInteger CALLS = new AtomicInteger();

    /** The one event sent before the connection drops. */
    static final String FIRST_EVENT = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
            + "\"finish_reason\":null}]}\n\n";

    /** The init argument naming the deployment this upstream stands for. */
    static final String DEPLOYMENT = "deployment";

    private ServerSocket server;
    private String urlKey = "surge.gateway.upstream.url";

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
        Thread acceptor = new Thread(this::serve, "breaking-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of(urlKey, "http://localhost:" + server.getLocalPort() + "/v1");
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                readRequest(socket.getInputStream());
                CALLS.incrementAndGet();
                OutputStream out = socket.getOutputStream();
                byte[] event = FIRST_EVENT.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(event);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200);
                socket.setSoLinger(true, 0);
            } catch (IOException | InterruptedException e) {
                // Closed by stop(), or a probe that went away: nothing to serve.
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
