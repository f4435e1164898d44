package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Surge's benchmark, run by {@code ./bench}: llm-gateway's overhead over a simulator without latency or limits
 * (closed and open loop, CPU per request, memory, start-up), streaming through it, and agent-service's capacity
 * at rising concurrency. Every part runs against processes this launcher starts on free loopback ports and
 * stops by PID, also on Ctrl-C; see {@link BenchOptions} for the arguments.
 */
public final class Bench {

    private static final String CHAT_PATH = "/v1/chat/completions";
    /** The same prompt every time: the simulator's reply to it is always the same, chunk for chunk. */
    private static final String PROMPT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"How much does a gateway cost?\"}]";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);
    private static final int PROFILE_TOP = 15;
    /** Chunk positions seen fewer times than this in either stream window are not compared. */
    private static final int MIN_SAMPLES_PER_POSITION = 20;
    /** Streamed messages sent through agent-service, one at a time, to measure its time to first delta. */
    private static final int FIRST_DELTA_MESSAGES = 20;
    /** Users of the unmeasured run that warms agent-service up before its first level. */
    private static final int AGENT_WARM_UP_USERS = 8;
    private static final HttpClient CONTROL = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What is running, so that an interrupt (Ctrl-C, SIGTERM) still stops it. */
    private static final AtomicReference<AutoCloseable> PROCESSES = new AtomicReference<>();

    private final BenchOptions options;
    private final BenchProcesses processes;
    private final BenchHttp http;
    /** agent-service and a token for it, once started (by the streaming part or the agent-service part). */
    private URI agent;
    private String agentToken;

    private Bench(BenchOptions options, BenchProcesses processes, BenchHttp http) {
        this.options = options;
        this.processes = processes;
        this.http = http;
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("surge.root", ".")).toAbsolutePath().normalize();
        if (Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(root, args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::stopEverything, "bench-shutdown"));
        try {
            run(options);
        } catch (Exception e) {
            Console.info("benchmark failed: %s", e.getMessage() == null ? e : e.getMessage());
            System.exit(1);
        }
    }

    /** Runs the parts asked for, prints the table and writes {@code bench.json}; returns the report. */
    static BenchReport.Report run(BenchOptions options) throws IOException, InterruptedException {
        Files.createDirectories(options.out());
        Path recording = options.out().resolve("llm-gateway.jfr");
        Files.deleteIfExists(recording);
        double loadAtStart = loadAverage();
        BenchReport.Machine machine;
        BenchReport.Gateway gateway = null;
        BenchReport.Streaming streaming = null;
        BenchReport.AgentService agentService = null;
        GatewayPart gatewayPart = null;
        Map<String, Double> readyMs;
        BenchProcesses processes = new BenchProcesses(options.root(), options.out().resolve("logs"));
        PROCESSES.set(processes);
        try (processes; BenchHttp http = new BenchHttp()) {
            machine = new BenchReport.Machine(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"), loadAtStart,
                    http.transport() + ", 1 thread, in the launcher's JVM");
            Bench bench = new Bench(options, processes, http);
            URI simulator = processes.startSimulator();
            List<String> gatewayJava = new ArrayList<>(options.gatewayJavaOptions());
            if (options.jfr()) {
                gatewayJava.addAll(BenchJfr.recordingOptions(recording));
            }
            URI proxy = processes.startGateway(gatewayJava);
            // The floor under the gateway's overhead: needed by the gateway part only.
            URI bare = options.parts().contains(BenchOptions.Part.GATEWAY)
                    ? processes.startBareProxy(options.gatewayJavaOptions())
                    : null;
            bench.jitWarmUp(simulator, proxy, bare);
            if (options.parts().contains(BenchOptions.Part.GATEWAY)) {
                gatewayPart = bench.gatewayOverhead(simulator, proxy, bare);
                gateway = gatewayPart.figures();
            }
            if (options.parts().contains(BenchOptions.Part.STREAMING)) {
                streaming = bench.streaming(simulator, proxy);
            }
            if (options.parts().contains(BenchOptions.Part.AGENT)) {
                agentService = bench.agentService(proxy);
            }
            readyMs = processes.readyMillis();
        } finally {
            PROCESSES.set(null);
        }
        BenchJfr.Summary profile = options.jfr() && gatewayPart != null && Files.isRegularFile(recording)
                ? BenchJfr.summarise(recording, gatewayPart.profiledFrom(), gatewayPart.profiledTo(), PROFILE_TOP)
                : null;
        BenchReport.Report report = new BenchReport.Report(machine, BenchReport.Settings.of(options), readyMs, gateway,
                streaming, agentService, profile);
        Path json = options.out().resolve("bench.json");
        BenchReport.write(report, json);
        BenchReport.print(report, System.out);
        Console.info("results: %s%s", json, profile == null ? "" : ", recording " + recording);
        return report;
    }

    /**
     * The gateway part's figures, and the window of the closed loop through the gateway, which a JFR recording is
     * summarised over.
     */
    private record GatewayPart(BenchReport.Gateway figures, Instant profiledFrom, Instant profiledTo) {
    }

    /**
     * Unmeasured closed loops against each target in turn, so that every measured window meets code the JIT has
     * already compiled rather than an interpreter warming up: direct and through the gateway three quarters of the
     * time on plain requests, where the benchmark measures most, and a quarter on streams (without per-token delay);
     * through the bare proxy ({@code bare}, null when not started) on plain requests only, all it is measured on.
     * With 20 s for the simulator and the gateway together, the gateway's compiler threads were still busy in its
     * closed-loop window, about 8 % of its CPU there; with 30 s each, under 1 %.
     */
    private void jitWarmUp(URI simulator, URI gateway, URI bare) throws IOException, InterruptedException {
        if (options.jitWarmup().isZero()) {
            return;
        }
        Console.info("== JIT warm-up (not measured): %d s each, direct, through the gateway%s",
                options.jitWarmup().toSeconds(), bare == null ? "" : ", through the bare proxy");
        Duration plain = options.jitWarmup().multipliedBy(3).dividedBy(4);
        Duration streamed = options.jitWarmup().dividedBy(4);
        for (URI base : List.of(simulator, gateway)) {
            String key = base.equals(simulator) ? BenchProcesses.UPSTREAM_KEY : BenchProcesses.GATEWAY_KEY;
            jitWarmUp(chatRequest(base, key, false), base, plain);
            jitWarmUp(chatRequest(base, key, true), base, streamed);
        }
        if (bare != null) {
            jitWarmUp(chatRequest(bare, BenchProcesses.GATEWAY_KEY, false), bare, options.jitWarmup());
        }
    }

    private void jitWarmUp(byte[] request, URI base, Duration length) throws IOException, InterruptedException {
        BenchWindow discarded = new BenchWindow();
        measure(discarded, window -> new BenchClosedLoop(http, base, request, options.connections(), window),
                discarded::result, length, Duration.ZERO);
    }

    /** Closed and open loop, each direct, through the gateway, then through the bare proxy. */
    private GatewayPart gatewayOverhead(URI simulator, URI gateway, URI bare)
            throws IOException, InterruptedException {
        byte[] direct = chatRequest(simulator, BenchProcesses.UPSTREAM_KEY, false);
        byte[] proxied = chatRequest(gateway, BenchProcesses.GATEWAY_KEY, false);
        byte[] throughBare = chatRequest(bare, BenchProcesses.GATEWAY_KEY, false);
        int connections = options.connections();
        Console.info("== gateway overhead: closed loop, %d connections, %d s warm-up + %d s each", connections,
                options.warmup().toSeconds(), options.measure().toSeconds());
        BenchReport.Run closedDirect = run("direct",
                window -> new BenchClosedLoop(http, simulator, direct, connections, window)).run();
        RunAt closedGateway = run("gateway",
                window -> new BenchClosedLoop(http, gateway, proxied, connections, window));
        BenchReport.Run closedThrough = closedGateway.run();
        BenchReport.Run closedBare = run("bare proxy",
                window -> new BenchClosedLoop(http, bare, throughBare, connections, window)).run();

        Console.info("== gateway overhead: open loop, %d requests/s", options.rate());
        BenchReport.Run openDirect = run("direct", window -> new BenchOpenLoop(http, simulator, direct, options.rate(),
                options.openConnections(), window)).run();
        BenchReport.Run openThrough = run("gateway", window -> new BenchOpenLoop(http, gateway, proxied, options.rate(),
                options.openConnections(), window)).run();
        BenchReport.Run openBare = run("bare proxy", window -> new BenchOpenLoop(http, bare, throughBare,
                options.rate(), options.openConnections(), window)).run();

        BenchReport.Gateway figures = BenchReport.Gateway.of(new BenchReport.Pair(closedDirect, closedThrough),
                new BenchReport.Pair(openDirect, openThrough),
                BenchProc.memory(processes.pids().get(BenchReport.GATEWAY)),
                BenchReport.BareProxy.of(closedDirect, closedBare, openDirect, openBare));
        return new GatewayPart(figures, closedGateway.from(), closedGateway.to());
    }

    /** Streams with a pause between chunks, direct then through the gateway. */
    private BenchReport.Streaming streaming(URI simulator, URI gateway) throws IOException, InterruptedException {
        Console.info("== streaming: %d streams, %d ms a token", options.streams(), options.perTokenMs());
        configureSimulator(simulator, options.perTokenMs());
        try {
            StreamsAt direct = streams("direct", simulator, BenchProcesses.UPSTREAM_KEY);
            StreamsAt through = streams("gateway", gateway, BenchProcesses.GATEWAY_KEY);
            startAgentService(gateway);
            Console.info("== streaming: time to first delta through agent-service, %d messages one at a time",
                    FIRST_DELTA_MESSAGES);
            BenchLatency firstDelta = BenchFirstDelta.measure(agent, agentToken, FIRST_DELTA_MESSAGES, 5);
            Console.info("agent-service: first delta p50 %.1f ms, p99 %.1f ms", firstDelta.p50(), firstDelta.p99());
            return new BenchReport.Streaming(direct.run(), through.run(),
                    through.run().firstByteMs().p50() - direct.run().firstByteMs().p50(),
                    BenchStreamWindow.Added.between(direct.arrivals(), through.arrivals(), MIN_SAMPLES_PER_POSITION),
                    firstDelta);
        } finally {
            configureSimulator(simulator, 0);
        }
    }

    private StreamsAt streams(String target, URI base, String key) throws IOException, InterruptedException {
        byte[] request = chatRequest(base, key, true);
        BenchStreamWindow window = new BenchStreamWindow();
        Measured<StreamReadout> measured = measure(window,
                tally -> new BenchClosedLoop(http, base, request, options.streams(), tally),
                () -> new StreamReadout(window.result(), window.streams()), options.warmup(), options.measure());
        BenchStreamWindow.Streams streams = measured.readout().streams();
        BenchReport.Run run = logged(BenchReport.Run.of(target, measured.readout().result(), measured.usage()));
        return new StreamsAt(new BenchReport.StreamRun(run, streams.firstByteMs(), streams.gapMs(),
                streams.eventsPerStream()), streams.arrivalNanos());
    }

    /** Starts Temporal and agent-service, then raises the number of users until throughput stops growing. */
    private BenchReport.AgentService agentService(URI gateway) throws IOException, InterruptedException {
        startAgentService(gateway);
        String token = agentToken;
        // A freshly started JVM spends its first seconds compiling: without this, the first (lowest) level would
        // measure the JIT rather than agent-service.
        int warmUsers = Math.min(AGENT_WARM_UP_USERS, options.users().get(options.users().size() - 1));
        Duration warmUp = options.agentWarmup().multipliedBy(2);
        Console.info("== agent-service: warming up with %d users for %d s", warmUsers, warmUp.toSeconds());
        BenchWindow discarded = new BenchWindow();
        measure(discarded, tally -> new BenchAgentUsers(http, agent, token, warmUsers, options.messagesPerTask(), tally),
                discarded::result, warmUp, Duration.ZERO);
        List<BenchReport.AgentLevel> levels = new ArrayList<>();
        List<Double> throughputs = new ArrayList<>();
        for (int users : options.users()) {
            Console.info("== agent-service: users %d, %d s warm-up + %d s", users, options.agentWarmup().toSeconds(),
                    options.agentMeasure().toSeconds());
            BenchWindow window = new BenchWindow();
            Measured<BenchWindow.Result> measured = measure(window,
                    tally -> new BenchAgentUsers(http, agent, token, users, options.messagesPerTask(), tally),
                    window::result, options.agentWarmup(), options.agentMeasure());
            BenchReport.AgentLevel level = BenchReport.AgentLevel.of(users, measured.readout(), measured.usage());
            Console.info("users %d: %.1f messages/s, p50 %.1f ms, p99 %.1f ms, failed %d; CPU ms/message: "
                    + "agent-service %.2f, temporal %.2f", users, level.messagesPerS(), level.latencyMs().p50(),
                    level.latencyMs().p99(), measured.readout().failed(),
                    level.cpuMsPerMessage().get(BenchReport.AGENT_SERVICE),
                    level.cpuMsPerMessage().get(BenchReport.TEMPORAL));
            levels.add(level);
            throughputs.add(level.messagesPerS());
            if (BenchSaturation.saturated(throughputs)) {
                break;
            }
        }
        return new BenchReport.AgentService(levels, levels.get(BenchSaturation.knee(throughputs)).users(),
                BenchSaturation.peak(throughputs), BenchSaturation.flatAtTheEnd(throughputs));
    }

    /** Starts Temporal and agent-service, once, and mints the benchmark's token for it. */
    private void startAgentService(URI gateway) throws IOException, InterruptedException {
        if (agent != null) {
            return;
        }
        String temporal = processes.startTemporal();
        Path keys = options.out().resolve("logs");
        agent = processes.startAgentService(temporal, gateway, DemoTokens.generate(keys), List.of());
        agentToken = DemoTokens.read(DemoTokens.privateKeyFile(keys)).mint("bench");
    }

    /** Creates a driver recording into {@code window}; it opens its connections. */
    private interface DriverFactory {
        BenchDriver create(BenchWindow window) throws IOException, InterruptedException;
    }

    /** A run and when its window was open. */
    private record RunAt(BenchReport.Run run, Instant from, Instant to) {
    }

    /** A window of streams, and its events' arrival times by position. */
    private record StreamsAt(BenchReport.StreamRun run, long[][] arrivals) {
    }

    /** The figures of a window of streams, read together as it closed. */
    private record StreamReadout(BenchWindow.Result result, BenchStreamWindow.Streams streams) {
    }

    /** What one window measured, the CPU spent in it, and when it was open. */
    private record Measured<T>(T readout, BenchProc.Usage usage, Instant from, Instant to) {
    }

    private RunAt run(String target, DriverFactory factory) throws IOException, InterruptedException {
        BenchWindow window = new BenchWindow();
        Measured<BenchWindow.Result> measured = measure(window, factory, window::result, options.warmup(),
                options.measure());
        return new RunAt(logged(BenchReport.Run.of(target, measured.readout(), measured.usage())), measured.from(),
                measured.to());
    }

    /**
     * Starts a driver on {@code window}, lets it warm up, opens the window, reads the CPU of every process before
     * and after it, takes {@code readout} on the event loop as it closes, then stops the driver and waits for what
     * it has in flight.
     */
    private <T> Measured<T> measure(BenchWindow window, DriverFactory factory, Callable<T> readout, Duration warmup,
            Duration length) throws IOException, InterruptedException {
        BenchDriver driver = factory.create(window);
        try {
            http.onLoop(driver::start);
            Thread.sleep(warmup.toMillis());
            Map<String, Long> pids = processes.pids();
            pids.put(BenchReport.GENERATOR, ProcessHandle.current().pid());
            http.onLoop(window::reset);
            Instant from = Instant.now();
            BenchProc.Snapshot before = BenchProc.snapshot(pids);
            Thread.sleep(length.toMillis());
            BenchProc.Snapshot after = BenchProc.snapshot(pids);
            Instant to = Instant.now();
            T result = http.onLoop(readout);
            http.onLoop(driver::stop);
            awaitIdle(driver);
            return new Measured<>(result, after.since(before), from, to);
        } finally {
            http.onLoop(driver::close);
        }
    }

    private void awaitIdle(BenchDriver driver) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (!http.onLoop(driver::idle)) {
            if (System.nanoTime() > deadline) {
                Console.info("requests still in flight after %d s; their connections are closed",
                        DRAIN_TIMEOUT.toSeconds());
                return;
            }
            Thread.sleep(20);
        }
    }

    private static BenchReport.Run logged(BenchReport.Run run) {
        Console.info("%s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, failed %d", run.target(),
                run.perSecond(), run.latencyMs().p50(), run.latencyMs().p99(), run.latencyMs().max(),
                run.failedByStatus().values().stream().mapToLong(Long::longValue).sum() + run.errors());
        return run;
    }

    /** A chat completion request to {@code base} with {@code key}, streamed or not. */
    private static byte[] chatRequest(URI base, String key, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + key);
        headers.put("Content-Type", "application/json");
        String body = PROMPT + (stream ? ",\"stream\":true}" : "}");
        return BenchHttp.encode("POST", base, CHAT_PATH, headers, body.getBytes(UTF_8));
    }

    /** Sets the simulator's time per token through its control API. */
    private static void configureSimulator(URI simulator, int perTokenMs) throws IOException, InterruptedException {
        HttpResponse<String> response = CONTROL.send(HttpRequest.newBuilder(simulator.resolve("/sim/config"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"latency\":{\"per_token_ms\":" + perTokenMs + "}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the simulator refused its new latency: " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** The one-minute load average, or -1 where {@code /proc/loadavg} is missing. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg"), UTF_8).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void stopEverything() {
        AutoCloseable running = PROCESSES.getAndSet(null);
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("could not stop every process: " + e.getMessage());
            }
        }
    }
}
