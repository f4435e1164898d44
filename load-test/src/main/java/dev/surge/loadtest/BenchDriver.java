package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A load pattern over connections of its own. Everything but {@link #connect} runs on the generator's event
 * loop. A driver counts the work it has under way with {@link #began()} and {@link #finished()} and starts
 * nothing new once {@link #running()} is false, so that {@link #idle()} tells when it has drained.
 */
abstract class BenchDriver {

    private final List<BenchConnection> connections = new ArrayList<>();
    private boolean running;
    private int underWay;

    /** Opens one of this driver's connections; called while setting up, off the event loop. */
    protected final BenchConnection connect(BenchHttp http, URI target) throws IOException, InterruptedException {
        BenchConnection connection = http.connect(target);
        connections.add(connection);
        return connection;
    }

    /** Starts sending. */
    final void start() {
        running = true;
        begin();
    }

    /** Sends the first requests. */
    protected abstract void begin();

    /** Sends nothing new from now on; what is under way finishes. */
    void stop() {
        running = false;
    }

    /** True once stopped with nothing under way. */
    final boolean idle() {
        return !running && underWay == 0;
    }

    /** Closes the driver's connections. */
    final void close() {
        connections.forEach(BenchConnection::close);
    }

    protected final boolean running() {
        return running;
    }

    protected final void began() {
        underWay++;
    }

    protected final void finished() {
        underWay--;
    }
}
