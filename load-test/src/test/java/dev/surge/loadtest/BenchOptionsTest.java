package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchOptionsTest {

    private static final Path ROOT = Path.of("/surge");

    @Test
    void defaultsToAFullRunOfEveryPart() {
        BenchOptions options = BenchOptions.parse(ROOT);

        assertEquals(EnumSet.allOf(BenchOptions.Part.class), options.parts());
        assertEquals(Duration.ofSeconds(30), options.jitWarmup());
        assertEquals(Duration.ofSeconds(5), options.warmup());
        assertEquals(Duration.ofSeconds(15), options.measure());
        assertEquals(32, options.connections());
        assertEquals(1000, options.rate());
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64, 128), options.users());
        assertFalse(options.jfr());
        assertEquals(ROOT.resolve("load-test/target/bench"), options.out());
    }

    @Test
    void quickShortensEveryWindowWhereverItStandsAndLetsOtherArgumentsRefineIt() {
        BenchOptions options = BenchOptions.parse(ROOT, "--measure-s", "4", "--quick");

        assertEquals(Duration.ofSeconds(5), options.jitWarmup());
        assertEquals(Duration.ofSeconds(1), options.warmup());
        assertEquals(Duration.ofSeconds(4), options.measure());
        assertEquals(List.of(1, 4, 16), options.users());
        assertEquals(Duration.ofSeconds(3), options.agentMeasure());
    }

    @Test
    void setsPartsLoadsAndTheGatewayJvm() {
        BenchOptions options = BenchOptions.parse(ROOT, "--parts", "gateway,Streaming", "--connections", "8",
                "--rate", "2000", "--streams", "4", "--per-token-ms", "20", "--users", "2,8", "--jfr",
                "--gateway-java-opts", " -Xmx64m  -XX:+UseSerialGC ", "--out", "/tmp/b", "--jit-warmup-s", "0");

        assertEquals(Set.of(BenchOptions.Part.GATEWAY, BenchOptions.Part.STREAMING), options.parts());
        assertEquals(8, options.connections());
        assertEquals(2000, options.rate());
        assertEquals(4, options.streams());
        assertEquals(20, options.perTokenMs());
        assertEquals(List.of(2, 8), options.users());
        assertTrue(options.jfr());
        assertEquals(List.of("-Xmx64m", "-XX:+UseSerialGC"), options.gatewayJavaOptions());
        assertEquals(Path.of("/tmp/b"), options.out());
        assertEquals(Duration.ZERO, options.jitWarmup());
    }

    @Test
    void rejectsBadArgumentsWithTheUsage() {
        for (String[] args : List.of(new String[] {"--rate", "0"}, new String[] {"--connections", "many"},
                new String[] {"--measure-s"}, new String[] {"--parts", "gateway,disk"}, new String[] {"--users", "4,2"},
                new String[] {"--colour"})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BenchOptions.parse(ROOT, args));
            assertTrue(e.getMessage().contains("usage: ./bench"), e.getMessage());
        }
    }

    @Test
    void startsTheGatewayWithTheJvmOptionsOfItsManifestUnlessTold(@TempDir Path root) throws IOException {
        Path properties = root.resolve("llm-gateway/src/main/resources/application.properties");
        Files.createDirectories(properties.getParent());
        Files.writeString(properties, "quarkus.http.port=8081\n"
                + "quarkus.kubernetes.env.vars.java-opts-append=-XX:+UseSerialGC -Xmx128m \\\n  -Dx=y\n");

        assertEquals(List.of("-XX:+UseSerialGC", "-Xmx128m", "-Dx=y"), BenchOptions.parse(root).gatewayJavaOptions());
        assertEquals(List.of(), BenchOptions.parse(root, "--gateway-java-opts", "").gatewayJavaOptions());
        assertEquals(List.of(), BenchOptions.parse(ROOT).gatewayJavaOptions());
    }
}
