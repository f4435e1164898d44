package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
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
        assertEquals(Duration.ofSeconds(120), options.patience());
        assertEquals(ROOT.resolve("load-test/target/surge-report"), options.out());
    }

    @Test
    void sizesTheProviderToAThirdOfWhatTheStackCarries() {
        Demo.Options options = Demo.Options.parse(ROOT);
        Load load = options.load();

        // 500 users / (1 s think time + 0.3 s + 40 tokens x 5 ms) offer 333 messages/s, more than the stack's 30.
        assertEquals(333.33, load.offeredPerSecond(), 0.01);
        assertEquals(600, options.simulator().rpm());
        assertEquals(10.0, load.limitPerSecond());
        assertTrue(load.certain());
        // Little's law: 500 users / 10 a second - 1 s think time.
        assertEquals(Duration.ofSeconds(49), load.fairShareWait());
    }

    @Test
    void sizesTheProviderToAThirdOfWhatFewUsersOffer() {
        Demo.Options options = Demo.Options.parse(ROOT, "--users", "20");

        // 20 users / 1.5 s offer 13.3 messages/s: a third of it is 266 requests a minute.
        assertEquals(266, options.simulator().rpm());
        assertTrue(options.load().overload() >= Load.OVERLOAD_FACTOR);
    }

    @Test
    void saysWhenANamedLimitLeavesTheOverloadInDoubt() {
        assertFalse(Demo.Options.parse(ROOT, "--rpm", "1200").load().certain(), "the stack carries 30/s, 20/s is near");
        assertTrue(Demo.Options.parse(ROOT, "--rpm", "600").load().certain());
        assertFalse(Demo.Options.parse(ROOT, "--users", "20", "--rpm", "600").load().certain());
    }

    @Test
    void sharesASizedLimitAmongTheProvidersDeploymentsAndAddsNamedOnes() {
        Demo.Options sized = Demo.Options.parse(ROOT, "--providers", "2");
        Demo.Options named = Demo.Options.parse(ROOT, "--providers", "2", "--rpm", "600");

        assertEquals(2, sized.simulator().deployments());
        assertEquals(300, sized.simulator().rpm());
        assertEquals(10.0, sized.load().limitPerSecond());
        assertEquals(600, named.simulator().rpm());
        assertEquals(20.0, named.load().limitPerSecond());
        assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse(ROOT, "--providers", "0"));
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
                "--rpm", "60", "--tpm", "9000", "--think-time-ms", "0", "--patience-s", "30", "--out", "/tmp/r");

        assertEquals(20, options.users());
        assertEquals(3, options.messages());
        assertEquals(List.of(Profile.RESILIENT), options.profiles());
        assertEquals(60, options.simulator().rpm());
        assertEquals(9000, options.simulator().tpm());
        assertEquals(0, options.thinkTime().toMillis());
        assertEquals(Duration.ofSeconds(30), options.patience());
        assertEquals(Path.of("/tmp/r"), options.out());
    }

    @Test
    void rejectsBadArgumentsWithTheUsage() {
        for (String[] args : List.of(new String[] {"--users", "0"}, new String[] {"--users", "many"},
                new String[] {"--messages"}, new String[] {"--profiles", "fast"}, new String[] {"--patience-s", "0"},
                new String[] {"--colour"})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse(ROOT, args));
            assertTrue(e.getMessage().contains("usage: ./demo"), e.getMessage());
        }
    }
}
