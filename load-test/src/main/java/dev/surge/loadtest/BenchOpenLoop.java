package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * An open loop: requests at a fixed rate on a {@link BenchSchedule}, whatever the answers take. Each goes out
 * on an idle connection of a pool; when none is idle it waits for one, and its latency still runs from its
 * intended send time, so a slow answer delays the requests behind it and is counted in all of them.
 */
final class BenchOpenLoop extends BenchDriver {

    /** The first request is due this long after start, so that the schedule does not begin behind. */
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EventLoop loop;
    private final ByteBuf request;
    private final long perSecond;
    private final BenchWindow window;
    private final Deque<Worker> idleWorkers = new ArrayDeque<>();
    /** Intended send times of requests that found no idle connection, oldest first. */
    private final Deque<Long> backlog = new ArrayDeque<>();
    private BenchSchedule schedule;
    private long next;

    BenchOpenLoop(BenchHttp http, URI target, byte[] request, long perSecond, int connections, BenchWindow window)
            throws IOException, InterruptedException {
        this.loop = http.loop();
        this.request = BenchHttp.reusable(request);
        this.perSecond = perSecond;
        this.window = window;
        for (int i = 0; i < connections; i++) {
            idleWorkers.push(new Worker(connect(http, target)));
        }
    }

    @Override
    protected void begin() {
        schedule = new BenchSchedule(System.nanoTime() + START_DELAY_NANOS, perSecond);
        next = 0;
        tick();
    }

    /** Sends every request that is due, then sleeps until the next one is. */
    private void tick() {
        if (!running()) {
            return;
        }
        long due = schedule.dueBy(System.nanoTime());
        while (next < due) {
            long intended = schedule.intendedNanos(next++);
            Worker worker = idleWorkers.poll();
            if (worker != null) {
                worker.send(intended);
            } else {
                backlog.add(intended);
            }
        }
        loop.schedule(this::tick, Math.max(0, schedule.intendedNanos(next) - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    void stop() {
        super.stop();
        backlog.clear();
    }

    /** One pooled connection. */
    private final class Worker implements BenchConnection.Exchange {

        private final BenchConnection connection;
        private long intendedNanos;
        private int status;

        Worker(BenchConnection connection) {
            this.connection = connection;
        }

        void send(long intended) {
            began();
            intendedNanos = intended;
            status = 0;
            connection.send(request.duplicate(), this);
        }

        @Override
        public void head(int status, HttpHeaders headers, long nanos) {
            this.status = status;
        }

        @Override
        public void end(long nanos) {
            finished();
            window.answered(status, nanos - intendedNanos);
            sendNext();
        }

        @Override
        public void failed(Throwable cause) {
            finished();
            window.error();
            sendNext();
        }

        private void sendNext() {
            Long waiting = running() ? backlog.poll() : null;
            if (waiting != null) {
                send(waiting);
            } else {
                idleWorkers.push(this);
            }
        }
    }
}
