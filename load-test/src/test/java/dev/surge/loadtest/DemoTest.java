package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The demo at a scale CI can afford: the real processes on loopback, both profiles, the same code
 * path as {@code ./demo}. The provider's limit is set so that 20 users clearly exceed it: they offer
 * 20 messages a second against 1 a second, so the resilient run lasts about a minute.
 */
class DemoTest {

    private static final Path ROOT = Path.of(System.getProperty("surge.root", "..")).toAbsolutePath().normalize();

    @Test
    void resilientLosesNoMessageWhereBaselineFails() throws Exception {
        Path out = ROOT.resolve("load-test/target/surge-report-ci");
        Demo.Options options = Demo.Options.parse(ROOT, "--users", "20", "--messages", "3",
                "--rpm", "60", "--think-time-ms", "500", "--out", out.toString());

        JsonNode report = Demo.run(options);

        JsonNode baseline = run(report, "baseline");
        JsonNode resilient = run(report, "resilient");
        assertEquals(60, baseline.path("messages").asInt());
        assertTrue(baseline.path("failed").asInt() > 0, "baseline should lose messages: " + baseline);
        assertTrue(baseline.path("upstream_429").asInt() > 0, "the provider should have refused some: " + baseline);
        assertEquals(60, resilient.path("succeeded").asInt(), "resilient should answer every message: " + resilient);
        assertEquals(0, resilient.path("failed").asInt());
        assertTrue(resilient.path("upstream_requests").asInt() >= 60, resilient.toString());
        assertTrue(resilient.path("amplification").asDouble() <= 1.05,
                "resilient should send each message upstream about once: " + resilient);
        assertTrue(report.path("provider_overloaded").asBoolean(), report.toString());
        // 20 users / (0.5 s think time + 0.5 s provider latency) against 1 a second; Little's law: 20 / 1 - 0.5 s.
        assertEquals(20.0, report.path("offered_per_s").asDouble());
        assertEquals(1.0, report.path("provider_limit_per_s").asDouble());
        assertEquals(19_500, report.path("fair_share_wait_ms").asLong());
        assertEquals(120, report.path("patience_s").asLong());
        assertEquals(60, last(resilient.path("answered_within")).path("messages").asInt(), resilient.toString());
        assertTrue(Files.isRegularFile(out.resolve("report.json")));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Waiting time"));
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static JsonNode run(JsonNode report, String profile) {
        for (JsonNode run : report.path("runs")) {
            if (profile.equals(run.path("profile").asText())) {
                return run;
            }
        }
        throw new AssertionError("no " + profile + " run in " + report);
    }
}
