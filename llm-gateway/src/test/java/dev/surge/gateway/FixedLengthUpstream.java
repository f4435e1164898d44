package dev.surge.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An upstream that answers every call with {@link #ANSWER} and its {@code Content-Length}, the body in two writes
 * 100 ms apart, so that the gateway gets it in more than one read. (WireMock, as the other tests configure it,
 * sends every answer chunked.)
 */
public class FixedLengthUpstream extends SocketUpstream {

    /** A completion of about 100 KB. */
    static final String ANSWER = Fixtures.COMPLETION.replace("Hello! How can I help you today?",
            "Hello! ".repeat(15_000));

    @Override
    void answer(Socket socket) throws IOException, InterruptedException {
        byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        Thread.sleep(100);
        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
    }
}
