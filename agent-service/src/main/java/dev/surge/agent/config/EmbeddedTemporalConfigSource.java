package dev.surge.agent.config;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ExecutionMode;
import io.temporal.testserver.TestServer;

/**
 * Answers {@code quarkus.temporal.connection.target} with the address of an embedded Temporal test
 * server, started on first read. Its ordinal sits above application.properties and below environment
 * variables and system properties, so an operator's target always wins.
 */
final class EmbeddedTemporalConfigSource implements ConfigSource {

    static final int ORDINAL = 275;
    private static final Logger LOG = Logger.getLogger(EmbeddedTemporalConfigSource.class);
    /** JVM-wide, so that a dev-mode live reload (new class loader) finds the running server again. */
    private static final String RUNNING_TARGET = "dev.surge.agent.embedded-temporal-target";

    private final int preferredPort;

    EmbeddedTemporalConfigSource(int preferredPort) {
        this.preferredPort = preferredPort;
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(EmbeddedTemporalConfigSourceFactory.TARGET);
    }

    @Override
    public String getValue(String propertyName) {
        if (!EmbeddedTemporalConfigSourceFactory.TARGET.equals(propertyName)
                || ExecutionMode.current() == ExecutionMode.UNSET) {
            // UNSET: the build (augmentation) reads configuration too, and must not start a server
            return null;
        }
        return start(preferredPort);
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
            int port = isFree(preferredPort) ? preferredPort : freePort();
            TestServer.createPortBoundServer(port, true);
            target = "127.0.0.1:" + port;
            System.setProperty(RUNNING_TARGET, target);
            LOG.warnf("Temporal is EMBEDDED and IN MEMORY at %s: conversations are lost on restart. "
                    + "Set quarkus.temporal.connection.target to use a Temporal cluster.", target);
            return target;
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
