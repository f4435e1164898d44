package dev.surge.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that starts a stream and drops the connection after its first event: something WireMock cannot do,
 * since it sends nothing before its first dribbled chunk. Counts the calls it got. It is the gateway's upstream,
 * or with the init argument {@value #DEPLOYMENT} the deployment of that name.
 */
public class BreakingUpstream extends SocketUpstream {

    /** Calls received since the application started. */
    static final AtomicInteger CALLS = new AtomicInteger();

    /** The one event sent before the connection drops. */
    static final String FIRST_EVENT = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
            + "\"finish_reason\":null}]}\n\n";

    @Override
    void answer(Socket socket) throws IOException, InterruptedException {
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
    }
}
