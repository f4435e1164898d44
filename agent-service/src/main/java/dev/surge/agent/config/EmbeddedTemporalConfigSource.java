package dev.surge.agent.config;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ExecutionMode;
import io.temporal.testserver.TestServer;

/**
 * Answers {@code quarkus.temporal.connection.target} with the address of an embedded Temporal test
 * server, started on first read, and turns sticky workflow execution off against it (see
 * {@link #STICKY_SCHEDULE_TO_START}); or, in a production start that configured no target, stops the start
 * with a message that says what to set, instead of connecting to quarkus-temporal's default (localhost).
 * Its ordinal sits above application.properties and below environment variables and system properties,
 * so an operator's target always wins.
 */
final class EmbeddedTemporalConfigSource implements ConfigSource {

    static final String MISSING = "no Temporal cluster is configured: set QUARKUS_TEMPORAL_CONNECTION_TARGET "
            + "(host:port of the cluster's frontend). For a throwaway in-memory Temporal instead, set "
            + "SURGE_TEMPORAL_EMBEDDED=true on an artifact built with -Pembedded-temporal.";

    /**
     * The worker's sticky queue schedule-to-start timeout, 0 (no sticky execution) against the embedded server: the
     * Temporal test server never moves a workflow task off the sticky queue of a worker that died, so every query,
     * update and step of that worker's conversations would wait for it forever. A real cluster's matching service
     * moves such tasks to the shared queue after this timeout (5 s by default), which production keeps.
     */
    static final String STICKY_SCHEDULE_TO_START = "quarkus.temporal.worker.sticky-queue-schedule-to-start-timeout";
    static final int ORDINAL = 275;
    private static final Logger LOG = Logger.getLogger(EmbeddedTemporalConfigSource.class);
    /** JVM-wide, so that a dev-mode live reload (new class loader) finds the running server again. */
    private static final String RUNNING_TARGET = "dev.surge.agent.embedded-temporal-target";

    private final Supplier<String> target;
    private final boolean embedded;

    private EmbeddedTemporalConfigSource(Supplier<String> target, boolean embedded) {
        this.target = target;
        this.embedded = embedded;
    }

    /** The target of an embedded server, on {@code preferredPort} when it is free. */
    static EmbeddedTemporalConfigSource embedded(int preferredPort) {
        return new EmbeddedTemporalConfigSource(() -> start(preferredPort), true);
    }

    /** A target that cannot be read: no cluster was configured where one is required. */
    static EmbeddedTemporalConfigSource missing() {
        return new EmbeddedTemporalConfigSource(() -> {
            throw new IllegalStateException(MISSING);
        }, false);
    }

    @Override
    public Set<String> getPropertyNames() {
        return embedded ? Set.of(EmbeddedTemporalConfigSourceFactory.TARGET, STICKY_SCHEDULE_TO_START)
                : Set.of(EmbeddedTemporalConfigSourceFactory.TARGET);
    }

    @Override
    public String getValue(String propertyName) {
        if (embedded && STICKY_SCHEDULE_TO_START.equals(propertyName)) {
            return "0s";
        }
        if (!EmbeddedTemporalConfigSourceFactory.TARGET.equals(propertyName)
                || ExecutionMode.current() == ExecutionMode.UNSET) {
            // UNSET: the build (augmentation) reads configuration too, and must not start a server
            return null;
        }
        return target.get();
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }

    @Override
    public String getName() {
        return "EmbeddedTemporal";
    }

    private static String start(int preferredPort) {
        synchronized (System.class) {
            String target = System.getProperty(RUNNING_TARGET);
            if (target != null) {
                return target;
            }
            if (!packaged()) {
                throw new IllegalStateException("surge.temporal.embedded is set, but this artifact was built without "
                        + "the in-memory Temporal: build it with -Pembedded-temporal, or set "
                        + "QUARKUS_TEMPORAL_CONNECTION_TARGET to a Temporal cluster");
            }
            int port = isFree(preferredPort) ? preferredPort : freePort();
            TestServer.createPortBoundServer(port, true);
            target = "127.0.0.1:" + port;
            System.setProperty(RUNNING_TARGET, target);
            LOG.warnf("Temporal is EMBEDDED and IN MEMORY at %s: conversations are lost on restart. "
                    + "Set quarkus.temporal.connection.target to use a Temporal cluster.", target);
            return target;
        }
    }

    /** Whether temporal-test-server (an optional dependency, filtered out of a default package) is here. */
    private static boolean packaged() {
        try {
            Class.forName("io.temporal.testserver.TestServer", false, EmbeddedTemporalConfigSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the embedded Temporal server", e);
        }
    }
}
