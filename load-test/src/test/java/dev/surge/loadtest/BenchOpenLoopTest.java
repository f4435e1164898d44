package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.Unpooled;

class BenchOpenLoopTest {

    private static final long STALL_MS = 400;
    private static final byte[] ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(US_ASCII);

    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /**
     * One connection, 100 requests a second, and a server that holds its first answer for 400 ms: the requests
     * due meanwhile wait for the connection, and each one's latency counts that wait from its intended send time.
     * A generator that timed from the actual send would see one slow request and dozens of fast ones.
     */
    @Test
    @Timeout(30)
    void countsTheWaitBehindAStalledAnswerInEveryRequestItDelayed() throws Exception {
        server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(this::serve, "stalling-server");
        serving.setDaemon(true);
        serving.start();
        URI target = URI.create("http://127.0.0.1:" + server.getLocalPort());
        byte[] request = BenchHttp.encode("GET", target, "/", Map.of(), new byte[0]);

        try (BenchHttp http = new BenchHttp()) {
            warmUp(http, target, request);
            BenchWindow window = new BenchWindow();
            BenchOpenLoop loop = new BenchOpenLoop(http, target, request, 100, 1, window);
            http.onLoop(window::reset);
            http.onLoop(loop::start);
            Thread.sleep(STALL_MS + 400);
            http.onLoop(loop::stop);
            while (!http.onLoop(loop::idle)) {
                Thread.sleep(10);
            }
            BenchWindow.Result result = http.onLoop(window::result);
            http.onLoop(loop::close);

            assertEquals(0, result.failed());
            assertTrue(result.answered() >= 40, "answered " + result.answered());
            // Of the ~80 requests, those due in the first 300 ms of the stall (~30) waited 100 ms or more each.
            assertTrue(result.latencyMs().max() >= STALL_MS, "max " + result.latencyMs().max());
            assertTrue(result.latencyMs().p90() >= 100, "p90 " + result.latencyMs().p90());
        }
    }

    /**
     * One request on a connection of its own, answered at once: the generator's first response costs it hundreds of
     * milliseconds of class loading, which must not fall into the stall under test.
     */
    private static void warmUp(BenchHttp http, URI target, byte[] request) throws Exception {
        BenchConnection connection = http.connect(target);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        http.onLoop(() -> connection.send(Unpooled.wrappedBuffer(request), new BenchConnection.Exchange() {
            @Override
            public void end(long nanos) {
                answered.complete(null);
            }

            @Override
            public void failed(Throwable cause) {
                answered.completeExceptionally(cause);
            }
        }));
        answered.get(10, TimeUnit.SECONDS);
        http.onLoop(connection::close);
    }

    /**
     * Serves the warm-up connection, then the open loop's: each request answered in a single write, the open loop's
     * first after a stall.
     */
    private void serve() {
        try {
            answer(server.accept(), false);
            answer(server.accept(), true);
        } catch (IOException e) {
            // The test closed the server.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(Socket connection, boolean stallFirst) throws IOException, InterruptedException {
        try (Socket socket = connection) {
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            OutputStream out = socket.getOutputStream();
            boolean stall = stallFirst;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (stall) {
                        Thread.sleep(STALL_MS);
                        stall = false;
                    }
                    out.write(ANSWER);
                    out.flush();
                }
            }
        }
    }
}
