package dev.surge.agent.config;

import java.util.List;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;

/**
 * Runs agent-service without a Temporal cluster (dev mode, the tests' own servers aside): in dev mode, when
 * {@code quarkus.temporal.connection.target} is not configured, or anywhere with {@code surge.temporal.embedded=true},
 * supplies a target that points at an embedded, in-memory Temporal test server. Outside dev and test, a missing
 * target is an error that stops the start with a message saying what to set: a production pod must never fall back
 * to a Temporal that forgets everything.
 * <p>
 * quarkus-temporal starts its workers eagerly while the application starts, so the server must be up
 * before that: it is started when the target is first read, which happens as the runtime configuration
 * is built, before any worker. Registered in {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}.
 */
public class EmbeddedTemporalConfigSourceFactory implements ConfigSourceFactory {

    static final String TARGET = "quarkus.temporal.connection.target";
    static final String EMBEDDED = "surge.temporal.embedded";
    static final String PORT = "surge.temporal.embedded-port";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue flag = context.getValue(EMBEDDED);
        boolean configured = isConfigured(context.getValue(TARGET));
        boolean embedded = isSet(flag) ? Boolean.parseBoolean(flag.getValue().trim())
                : !configured && LaunchMode.current() != LaunchMode.NORMAL;
        if (!embedded) {
            return configured || LaunchMode.current() != LaunchMode.NORMAL ? List.of()
                    : List.of(EmbeddedTemporalConfigSource.missing());
        }
        ConfigValue port = context.getValue(PORT);
        int preferredPort = isSet(port) ? Integer.parseInt(port.getValue().trim()) : 7233;
        return List.of(EmbeddedTemporalConfigSource.embedded(preferredPort));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(EmbeddedTemporalConfigSource.ORDINAL);
    }

    /**
     * Whether someone configured the value: quarkus-temporal's own default (127.0.0.1:7233) is visible
     * here too, from a default-values source with a negative ordinal; every user source is positive.
     */
    private static boolean isConfigured(ConfigValue value) {
        return isSet(value) && value.getConfigSourceOrdinal() > 0;
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
