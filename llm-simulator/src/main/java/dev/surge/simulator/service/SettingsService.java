package dev.surge.simulator.service;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.surge.simulator.SimulatorSettings;
import dev.surge.simulator.SimulatorSettings.Faults;
import dev.surge.simulator.SimulatorSettings.Latency;
import dev.surge.simulator.config.MillisOrDurationConverter;
import dev.surge.simulator.config.SimulatorConfig;

/** Holds the runtime knobs: starts from {@link SimulatorConfig}, changed by {@code PUT /sim/config}. */
@ApplicationScoped
public class SettingsService {

    private static final Logger LOG = Logger.getLogger(SettingsService.class);

    private static final Set<String> TOP_LEVEL = Set.of("rpm", "tpm", "burst_ms", "max_concurrent_per_key",
            "default_max_tokens", "latency", "faults");
    private static final Set<String> LATENCY = Set.of("first_token_ms", "per_token_ms", "jitter");
    private static final Set<String> FAULTS = Set.of("error_rate", "reset_rate", "hang_rate", "hang_for_ms",
            "stream_fail_after", "insufficient_quota");

    private final AtomicReference<SimulatorSettings> current;

    SettingsService(SimulatorConfig config) {
        current = new AtomicReference<>(SimulatorSettings.from(config));
        LOG.infof("Simulator settings: %s", current.get());
    }

    /** The settings in force now. */
    public SimulatorSettings current() {
        return current.get();
    }

    /**
     * Applies a partial update: only the keys present change. Unknown keys and bad values are rejected
     * whole with {@link IllegalArgumentException}, leaving the settings as they were.
     */
    public SimulatorSettings update(JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        SimulatorSettings updated = current.updateAndGet(base -> merge(base, patch));
        LOG.infof("Simulator settings changed: %s", updated);
        return updated;
    }

    private static SimulatorSettings merge(SimulatorSettings base, JsonNode patch) {
        checkKeys(patch, TOP_LEVEL, "");
        Latency latency = base.latency();
        JsonNode l = patch.get("latency");
        if (l != null) {
            checkKeys(l, LATENCY, "latency.");
            latency = new Latency(
                    millis(l, "first_token_ms", latency.firstTokenMs()),
                    millis(l, "per_token_ms", latency.perTokenMs()),
                    number(l, "jitter", latency.jitter()));
        }
        Faults faults = base.faults();
        JsonNode f = patch.get("faults");
        if (f != null) {
            checkKeys(f, FAULTS, "faults.");
            faults = new Faults(
                    number(f, "error_rate", faults.errorRate()),
                    number(f, "reset_rate", faults.resetRate()),
                    number(f, "hang_rate", faults.hangRate()),
                    millis(f, "hang_for_ms", faults.hangForMs()),
                    (int) integer(f, "stream_fail_after", faults.streamFailAfter()),
                    bool(f, "insufficient_quota", faults.insufficientQuota()));
        }
        return new SimulatorSettings(
                integer(patch, "rpm", base.rpm()),
                integer(patch, "tpm", base.tpm()),
                millis(patch, "burst_ms", base.burstMs()),
                (int) integer(patch, "max_concurrent_per_key", base.maxConcurrentPerKey()),
                (int) integer(patch, "default_max_tokens", base.defaultMaxTokens()),
                latency, faults).validated();
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("'" + prefix.replace(".", "") + "' must be a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            String name = it.next().getKey();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown setting '" + prefix + name + "'");
            }
        }
    }

    private static long integer(JsonNode node, String name, long fallback) {
        return read(node, name, fallback, v -> v.canConvertToExactIntegral() && v.canConvertToInt(), JsonNode::asLong,
                "an integer");
    }

    private static double number(JsonNode node, String name, double fallback) {
        return read(node, name, fallback, JsonNode::isNumber, JsonNode::asDouble, "a number");
    }

    private static boolean bool(JsonNode node, String name, boolean fallback) {
        return read(node, name, fallback, JsonNode::isBoolean, JsonNode::asBoolean, "a boolean");
    }

    private static <T> T read(JsonNode node, String name, T fallback, Predicate<JsonNode> valid,
            Function<JsonNode, T> value, String expected) {
        JsonNode field = node.get(name);
        if (field == null) {
            return fallback;
        }
        if (!valid.test(field)) {
            throw new IllegalArgumentException("'" + name + "' must be " + expected);
        }
        return value.apply(field);
    }

    /** A number of milliseconds, or a duration string such as "1s" or "250ms". */
    private static long millis(JsonNode node, String name, long fallback) {
        JsonNode value = node.get(name);
        if (value == null) {
            return fallback;
        }
        if (value.isTextual()) {
            return MillisOrDurationConverter.parse(value.asText()).toMillis();
        }
        return integer(node, name, fallback);
    }
}
