package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    private static final Path ROOT = Path.of("/surge");

    @Test
    void defaultsToBothProfilesAtTheDemoScale() {
        Demo.Options options = Demo.Options.parse(ROOT);

        assertEquals(500, options.users());
        assertEquals(4, options.messages());
        assertEquals(List.of(Profile.BASELINE, Profile.RESILIENT), options.profiles());
        assertEquals(ROOT.resolve("load-test/target/surge-report"), options.out());
    }

    @Test
    void fullRunsTheSeedScale() {
        Demo.Options options = Demo.Options.parse(ROOT, "--full");

        assertEquals(500, options.users());
        assertEquals(40, options.messages());
    }

    @Test
    void setsScaleProfilesAndLimits() {
        Demo.Options options = Demo.Options.parse(ROOT, "--users", "20", "--messages", "3", "--profiles", "resilient",
                "--rpm", "60", "--tpm", "9000", "--think-time-ms", "0", "--out", "/tmp/r");

        assertEquals(20, options.users());
        assertEquals(3, options.messages());
        assertEquals(List.of(Profile.RESILIENT), options.profiles());
        assertEquals(60, options.simulator().rpm());
        assertEquals(9000, options.simulator().tpm());
        assertEquals(0, options.thinkTime().toMillis());
        assertEquals(Path.of("/tmp/r"), options.out());
    }

    @Test
    void rejectsBadArgumentsWithTheUsage() {
        for (String[] args : List.of(new String[] {"--users", "0"}, new String[] {"--users", "many"},
                new String[] {"--messages"}, new String[] {"--profiles", "fast"}, new String[] {"--colour"})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse(ROOT, args));
            assertTrue(e.getMessage().contains("usage: ./demo"), e.getMessage());
        }
    }
}
