package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * A closed loop: a fixed number of connections, each sending the same request again as soon as the previous
 * one was answered. Latency runs from the send to the last byte. With a {@link BenchStreamWindow}, each
 * response is read as a stream of server-sent events and timed event by event.
 */
final class BenchClosedLoop extends BenchDriver {

    /** Pause after a failed request before the connection tries again, so that a dead target is not spun on. */
    private static final long PAUSE_AFTER_ERROR_MS = 10;

    private final EventLoop loop;
    private final ByteBuf request;
    private final BenchWindow window;
    private final BenchStreamWindow streams;
    private final List<Worker> workers = new ArrayList<>();

    BenchClosedLoop(BenchHttp http, URI target, byte[] request, int connections, BenchWindow window)
            throws IOException, InterruptedException {
        this.loop = http.loop();
        this.request = BenchHttp.reusable(request);
        this.window = window;
        this.streams = window instanceof BenchStreamWindow stream ? stream : null;
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(connect(http, target)));
        }
    }

    @Override
    protected void begin() {
        workers.forEach(Worker::send);
    }

    /** One connection's loop. */
    private final class Worker implements BenchConnection.Exchange {

        private final BenchConnection connection;
        private final BenchSse sse = new BenchSse();
        private long sentNanos;
        private long lastEventNanos;
        private int status;
        private int position;
        private boolean firstByteSeen;

        Worker(BenchConnection connection) {
            this.connection = connection;
        }

        void send() {
            if (!running()) {
                return;
            }
            began();
            status = 0;
            position = 0;
            firstByteSeen = false;
            sse.reset();
            sentNanos = System.nanoTime();
            connection.send(request.duplicate(), this);
        }

        @Override
        public void head(int status, HttpHeaders headers, long nanos) {
            this.status = status;
        }

        @Override
        public void body(ByteBuf content, long nanos) {
            if (streams == null) {
                return;
            }
            if (!firstByteSeen) {
                firstByteSeen = true;
                streams.firstByte(nanos - sentNanos);
            }
            for (int events = sse.events(content); events > 0; events--) {
                long gap = position == 0 ? -1 : nanos - lastEventNanos;
                streams.event(position++, nanos - sentNanos, gap);
                lastEventNanos = nanos;
            }
        }

        @Override
        public void end(long nanos) {
            finished();
            window.answered(status, nanos - sentNanos);
            send();
        }

        @Override
        public void failed(Throwable cause) {
            finished();
            window.error();
            loop.schedule(this::send, PAUSE_AFTER_ERROR_MS, TimeUnit.MILLISECONDS);
        }
    }
}
