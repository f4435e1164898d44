package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The demo at a scale CI can afford: the real processes on loopback, both profiles, the same code
 * path as {@code ./demo}. The provider's limit is set so that 20 users clearly exceed it.
 */
class DemoTest {

    private static final Path ROOT = Path.of(System.getProperty("surge.root", "..")).toAbsolutePath().normalize();

    @Test
    void resilientLosesNoMessageWhereBaselineFails() throws Exception {
        Path out = ROOT.resolve("load-test/target/surge-report-ci");
        Demo.Options options = Demo.Options.parse(ROOT, "--users", "20", "--messages", "3",
                "--rpm", "30", "--think-time-ms", "500", "--out", out.toString());

        JsonNode report = Demo.run(options);

        JsonNode baseline = run(report, "baseline");
        JsonNode resilient = run(report, "resilient");
        assertEquals(60, baseline.path("messages").asInt());
        assertTrue(baseline.path("failed").asInt() > 0, "baseline should lose messages: " + baseline);
        assertTrue(baseline.path("upstream_429").asInt() > 0, "the provider should have refused some: " + baseline);
        assertEquals(60, resilient.path("succeeded").asInt(), "resilient should answer every message: " + resilient);
        assertEquals(0, resilient.path("failed").asInt());
        assertTrue(resilient.path("upstream_requests").asInt() >= 60, resilient.toString());
        assertTrue(Files.isRegularFile(out.resolve("report.json")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("<svg"));
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
