package dev.surge.loadtest;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The benchmark's arguments. The defaults make a full run take a few minutes on a 2-core machine;
 * {@code --quick} is a smoke run of well under two minutes.
 *
 * @param root the Surge checkout whose modules were built
 * @param out where the JSON, the logs and a JFR recording go
 * @param parts which parts run
 * @param jitWarmup unmeasured load against each target (direct, through the gateway, through the bare proxy) before
 *        the first measured window, so that the JIT has compiled the hot paths of every process and the windows
 *        measure steady code
 * @param warmup warm-up before each measured window of the gateway and streaming parts
 * @param measure length of each measured window of the gateway and streaming parts
 * @param connections connections of the closed loop
 * @param rate requests per second of the open loop
 * @param openConnections connections the open loop may use
 * @param streams concurrent streams of the streaming part
 * @param perTokenMs the simulator's time per token while streaming
 * @param users agent-service concurrency levels, tried in order until throughput stops growing
 * @param agentWarmup warm-up before each agent-service level
 * @param agentMeasure measured window of each agent-service level
 * @param messagesPerTask messages a user sends in one task before opening the next
 * @param jfr record the gateway with Java Flight Recorder and summarise its closed-loop window
 * @param gatewayJavaOptions JVM options of the gateway: by default those its Kubernetes manifest gives it
 */
record BenchOptions(Path root, Path out, Set<Part> parts, Duration jitWarmup, Duration warmup, Duration measure,
        int connections, int rate, int openConnections, int streams, int perTokenMs, List<Integer> users,
        Duration agentWarmup, Duration agentMeasure, int messagesPerTask, boolean jfr, List<String> gatewayJavaOptions) {

    /** The key of {@code JAVA_OPTS_APPEND} in the gateway's Kubernetes manifest. */
    static final String MANIFEST_JAVA_OPTIONS = "quarkus.kubernetes.env.vars.java-opts-append";

    /** The parts of a run. */
    enum Part {
        /** Direct vs through the gateway, closed and open loop. */
        GATEWAY,
        /** Streams direct vs through the gateway. */
        STREAMING,
        /** agent-service messages per second at rising concurrency. */
        AGENT
    }

    static final String USAGE = """
            usage: ./bench [--quick] [--no-build] [--parts gateway,streaming,agent] [--jit-warmup-s S]
                           [--warmup-s S] [--measure-s S]
                           [--connections N] [--rate RPS] [--open-connections N] [--streams N] [--per-token-ms MS]
                           [--users 1,2,4,...] [--agent-warmup-s S] [--agent-measure-s S] [--messages-per-task N]
                           [--jfr] [--gateway-java-opts "OPTS"] [--out DIR]
              --quick               a smoke run: 5 s JIT warm-up a target, 1 s warm-up, 3 s windows, users 1,4,16
              --no-build            run what was built last (./bench only)
              --parts P,..          gateway, streaming and/or agent (default all three)
              --jit-warmup-s S      unmeasured closed loop against each target (direct, the gateway, the
                                    bare proxy) before the first window, so that the JIT has compiled
                                    the hot paths (default 30)
              --warmup-s, --measure-s   warm-up and window of each gateway/streaming run (default 5 and 15)
              --connections N       closed-loop connections (default 32)
              --rate RPS            open-loop requests per second (default 1000)
              --open-connections N  connections the open loop may use (default 64)
              --streams N           concurrent streams (default 16)
              --per-token-ms MS     the simulator's time per token while streaming (default 10)
              --users L,..          agent-service users per level, until throughput stops growing
                                    (default 1,2,4,8,16,32,64,128)
              --agent-warmup-s, --agent-measure-s   warm-up and window of each level (default 5 and 10)
              --messages-per-task N messages a user sends before opening a new task (default 20)
              --jfr                 record the gateway with JFR; summarise its hot methods under the closed loop
              --gateway-java-opts   JVM options of the gateway, e.g. "-Xmx64m -XX:+UseSerialGC" (default: those of
                                    its Kubernetes manifest, quarkus.kubernetes.env.vars.java-opts-append in
                                    llm-gateway's application.properties; "" for the JVM's defaults)
              --out DIR             output folder (default load-test/target/bench)
            """;

    /** Parses the command line; throws {@link IllegalArgumentException} with the usage on bad input. */
    static BenchOptions parse(Path root, String... args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path out = root.resolve("load-test/target/bench");
        Set<Part> parts = EnumSet.allOf(Part.class);
        Duration jitWarmup = Duration.ofSeconds(quick ? 5 : 30);
        Duration warmup = Duration.ofSeconds(quick ? 1 : 5);
        Duration measure = Duration.ofSeconds(quick ? 3 : 15);
        int connections = 32;
        int rate = 1000;
        int openConnections = 64;
        int streams = 16;
        int perTokenMs = 10;
        List<Integer> users = quick ? List.of(1, 4, 16) : List.of(1, 2, 4, 8, 16, 32, 64, 128);
        Duration agentWarmup = Duration.ofSeconds(quick ? 2 : 5);
        Duration agentMeasure = Duration.ofSeconds(quick ? 3 : 10);
        int messagesPerTask = 20;
        boolean jfr = false;
        List<String> gatewayJavaOptions = manifestJavaOptions(root);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> {
                    // Applied before the other arguments, which may refine it.
                }
                case "--parts" -> parts = parseParts(value(args, ++i, arg));
                case "--jit-warmup-s" -> jitWarmup = Duration.ofSeconds(number(arg, value(args, ++i, arg), 0));
                case "--warmup-s" -> warmup = Duration.ofSeconds(number(arg, value(args, ++i, arg), 0));
                case "--measure-s" -> measure = Duration.ofSeconds(number(arg, value(args, ++i, arg), 1));
                case "--connections" -> connections = number(arg, value(args, ++i, arg), 1);
                case "--rate" -> rate = number(arg, value(args, ++i, arg), 1);
                case "--open-connections" -> openConnections = number(arg, value(args, ++i, arg), 1);
                case "--streams" -> streams = number(arg, value(args, ++i, arg), 1);
                case "--per-token-ms" -> perTokenMs = number(arg, value(args, ++i, arg), 1);
                case "--users" -> users = parseUsers(value(args, ++i, arg));
                case "--agent-warmup-s" -> agentWarmup = Duration.ofSeconds(number(arg, value(args, ++i, arg), 0));
                case "--agent-measure-s" -> agentMeasure = Duration.ofSeconds(number(arg, value(args, ++i, arg), 1));
                case "--messages-per-task" -> messagesPerTask = number(arg, value(args, ++i, arg), 1);
                case "--jfr" -> jfr = true;
                case "--gateway-java-opts" -> gatewayJavaOptions = words(value(args, ++i, arg));
                case "--out" -> out = Path.of(value(args, ++i, arg)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
            }
        }
        return new BenchOptions(root, out, parts, jitWarmup, warmup, measure, connections, rate, openConnections,
                streams, perTokenMs, users, agentWarmup, agentMeasure, messagesPerTask, jfr, gatewayJavaOptions);
    }

    /**
     * The JVM options the gateway's Kubernetes manifest sets ({@value #MANIFEST_JAVA_OPTIONS} in its
     * {@code application.properties}), so that the benchmark measures the memory of the gateway as deployed; none
     * when the file or the key is missing.
     */
    static List<String> manifestJavaOptions(Path root) {
        Path file = root.resolve("llm-gateway/src/main/resources/application.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            return List.of();
        }
        return words(properties.getProperty(MANIFEST_JAVA_OPTIONS, ""));
    }

    private static List<String> words(String value) {
        return Arrays.stream(value.split("\\s+")).filter(option -> !option.isEmpty()).toList();
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static int number(String name, String value, int least) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= least) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " takes a whole number of at least " + least + ", not '" + value
                + "'\n" + USAGE);
    }

    private static Set<Part> parseParts(String value) {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        for (String part : value.split(",")) {
            try {
                parts.add(Part.valueOf(part.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--parts takes gateway, streaming and/or agent, not '" + value
                        + "'\n" + USAGE);
            }
        }
        return parts;
    }

    private static List<Integer> parseUsers(String value) {
        List<Integer> users = new ArrayList<>();
        for (String level : value.split(",")) {
            int n = number("--users", level, 1);
            if (!users.isEmpty() && n <= users.get(users.size() - 1)) {
                throw new IllegalArgumentException("--users takes rising levels, not '" + value + "'\n" + USAGE);
            }
            users.add(n);
        }
        return List.copyOf(users);
    }
}
