package dev.surge.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/** The benchmark's results: the records written as {@code bench.json}, and the console table. */
final class BenchReport {

    /** The names under which processes' CPU is reported. */
    static final String GATEWAY = "llm-gateway";
    static final String BARE_PROXY = "bare-proxy";
    static final String SIMULATOR = "llm-simulator";
    static final String AGENT_SERVICE = "agent-service";
    static final String TEMPORAL = "temporal";
    static final String GENERATOR = "generator";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Double.class, new Rounded())
                    .addSerializer(double.class, new Rounded()))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private BenchReport() {
    }

    /**
     * A whole run.
     *
     * @param machine where it ran
     * @param settings the options in force
     * @param readyMs milliseconds from spawn to ready of each application
     * @param gateway gateway overhead, when that part ran
     * @param streaming streaming, when that part ran
     * @param agentService agent-service capacity, when that part ran
     * @param gatewayProfile the gateway's JFR summary under the closed loop, with {@code --jfr}
     */
    record Report(Machine machine, Settings settings, Map<String, Double> readyMs, Gateway gateway,
            Streaming streaming, AgentService agentService, BenchJfr.Summary gatewayProfile) {
    }

    /**
     * The options in force, as {@link BenchOptions} describes them.
     *
     * @param parts the parts that ran
     * @param jitWarmupS unmeasured load against each target before the first window, for the JIT
     * @param warmupS warm-up of each gateway and streaming window
     * @param measureS each gateway and streaming window
     * @param connections closed-loop connections
     * @param rate open-loop requests per second
     * @param openConnections connections the open loop could use
     * @param streams concurrent streams
     * @param perTokenMs the simulator's time per token while streaming
     * @param users agent-service levels asked for
     * @param agentWarmupS warm-up of each level
     * @param agentMeasureS window of each level
     * @param messagesPerTask messages a user sends in one task
     * @param jfr whether the gateway was recorded (which costs it a little CPU)
     * @param gatewayJavaOptions the gateway's JVM options
     */
    record Settings(List<String> parts, long jitWarmupS, long warmupS, long measureS, int connections, int rate,
            int openConnections, int streams, int perTokenMs, List<Integer> users, long agentWarmupS,
            long agentMeasureS, int messagesPerTask, boolean jfr, List<String> gatewayJavaOptions) {

        static Settings of(BenchOptions options) {
            return new Settings(options.parts().stream().map(part -> part.name().toLowerCase(Locale.ROOT)).toList(),
                    options.jitWarmup().toSeconds(), options.warmup().toSeconds(), options.measure().toSeconds(),
                    options.connections(), options.rate(), options.openConnections(), options.streams(),
                    options.perTokenMs(), options.users(), options.agentWarmup().toSeconds(), options.agentMeasure().toSeconds(), options.messagesPerTask(),
                    options.jfr(), options.gatewayJavaOptions());
        }
    }

    /**
     * The machine.
     *
     * @param cpus available processors
     * @param java the Java runtime
     * @param os the operating system
     * @param loadAverageAtStart one-minute load average before anything started
     * @param generator the load generator's transport and threads
     */
    record Machine(int cpus, String java, String os, double loadAverageAtStart, String generator) {
    }

    /**
     * One measured window against one target.
     *
     * @param target {@code direct}, {@code gateway} or {@code bare proxy}
     * @param requests requests answered with success
     * @param failedByStatus other answers by status
     * @param errors requests without a complete answer
     * @param seconds the window
     * @param perSecond answered requests per second
     * @param latencyMs latency (open loop: from the intended send time)
     * @param cpuUsPerRequest CPU microseconds per answered request, by process
     * @param cpuCores cores each process kept busy on average
     * @param otherCores cores kept busy by everything else on the machine
     */
    record Run(String target, long requests, Map<Integer, Long> failedByStatus, long errors, double seconds,
            double perSecond, BenchLatency latencyMs, Map<String, Double> cpuUsPerRequest, Map<String, Double> cpuCores,
            double otherCores) {

        static Run of(String target, BenchWindow.Result result, BenchProc.Usage usage) {
            return new Run(target, result.answered(), result.failedByStatus(), result.errors(), result.seconds(),
                    result.perSecond(), result.latencyMs(), perRequest(usage, result.answered(), 1e6),
                    cores(usage), usage.otherCores());
        }
    }

    /**
     * Gateway overhead.
     *
     * @param closedLoop fixed connections
     * @param openLoop fixed rate
     * @param throughputRatio closed-loop requests per second through the gateway over direct
     * @param addedP50Ms open loop: median through the gateway minus direct
     * @param addedP99Ms open loop: 99th percentile through the gateway minus direct
     * @param rssMb the gateway's resident memory after these runs
     * @param peakRssMb its high-water mark
     * @param bareProxy the same loads through the bare proxy, the floor under the gateway's overhead
     */
    record Gateway(Pair closedLoop, Pair openLoop, double throughputRatio, double addedP50Ms, double addedP99Ms,
            double rssMb, double peakRssMb, BareProxy bareProxy) {

        static Gateway of(Pair closedLoop, Pair openLoop, BenchProc.Memory memory, BareProxy bareProxy) {
            return new Gateway(closedLoop, openLoop, ratio(closedLoop.direct(), closedLoop.gateway()),
                    addedP50(openLoop.direct(), openLoop.gateway()), addedP99(openLoop.direct(), openLoop.gateway()),
                    memory.rssMb(), memory.peakRssMb(), bareProxy);
        }
    }

    /**
     * The closed and open loop through {@link BenchBareProxy}: what a proxy on the gateway's Vert.x and Netty costs
     * without any of the gateway's work.
     *
     * @param closedLoop fixed connections
     * @param openLoop fixed rate
     * @param throughputRatio closed-loop requests per second through the bare proxy over direct
     * @param addedP50Ms open loop: median through the bare proxy minus direct
     * @param addedP99Ms open loop: 99th percentile through the bare proxy minus direct
     */
    record BareProxy(Run closedLoop, Run openLoop, double throughputRatio, double addedP50Ms, double addedP99Ms) {

        static BareProxy of(Run closedDirect, Run closedBare, Run openDirect, Run openBare) {
            return new BareProxy(closedBare, openBare, ratio(closedDirect, closedBare), addedP50(openDirect, openBare),
                    addedP99(openDirect, openBare));
        }
    }

    /** Requests per second through a proxy over direct. */
    private static double ratio(Run direct, Run proxied) {
        return proxied.perSecond() / Math.max(1e-9, direct.perSecond());
    }

    /** Median latency through a proxy minus direct. */
    private static double addedP50(Run direct, Run proxied) {
        return proxied.latencyMs().p50() - direct.latencyMs().p50();
    }

    /** 99th-percentile latency through a proxy minus direct. */
    private static double addedP99(Run direct, Run proxied) {
        return proxied.latencyMs().p99() - direct.latencyMs().p99();
    }

    /** The same load direct and through the gateway. */
    record Pair(Run direct, Run gateway) {
    }

    /**
     * Streams direct and through the gateway.
     *
     * @param direct straight to the simulator
     * @param gateway through the gateway
     * @param addedFirstByteP50Ms median time to first byte through the gateway minus direct
     * @param addedPerChunk what the gateway added to each chunk's arrival
     * @param agentFirstDeltaMs a streamed message through agent-service (and the gateway), send to first delta
     */
    record Streaming(StreamRun direct, StreamRun gateway, double addedFirstByteP50Ms,
            BenchStreamWindow.Added addedPerChunk, BenchLatency agentFirstDeltaMs) {
    }

    /**
     * One window of streams.
     *
     * @param run the streams as requests (latency: send to last byte)
     * @param firstByteMs send to the first byte of the body
     * @param gapMs between consecutive events of a stream
     * @param eventsPerStream events per stream, the final {@code [DONE]} included
     */
    record StreamRun(Run run, BenchLatency firstByteMs, BenchLatency gapMs, double eventsPerStream) {
    }

    /**
     * agent-service capacity.
     *
     * @param levels one per concurrency level, in order
     * @param saturationUsers the first level within 10 % of the highest throughput
     * @param peakMessagesPerS the highest throughput
     * @param saturated whether throughput had stopped growing by the last level measured
     */
    record AgentService(List<AgentLevel> levels, int saturationUsers, double peakMessagesPerS, boolean saturated) {
    }

    /**
     * One concurrency level.
     *
     * @param users users sending one message after another
     * @param messages messages answered in the window
     * @param failedByStatus requests answered with a failure, by status
     * @param errors requests without a complete answer
     * @param seconds the window
     * @param messagesPerS answered messages per second
     * @param latencyMs POST to reply
     * @param cpuMsPerMessage CPU milliseconds per answered message, by process
     * @param cpuCores cores each process kept busy on average
     * @param otherCores cores kept busy by everything else on the machine
     */
    record AgentLevel(int users, long messages, Map<Integer, Long> failedByStatus, long errors, double seconds,
            double messagesPerS, BenchLatency latencyMs, Map<String, Double> cpuMsPerMessage,
            Map<String, Double> cpuCores, double otherCores) {

        static AgentLevel of(int users, BenchWindow.Result result, BenchProc.Usage usage) {
            return new AgentLevel(users, result.answered(), result.failedByStatus(), result.errors(), result.seconds(),
                    result.perSecond(), result.latencyMs(), perRequest(usage, result.answered(), 1e3), cores(usage),
                    usage.otherCores());
        }
    }

    private static Map<String, Double> perRequest(BenchProc.Usage usage, long requests, double unitsPerSecond) {
        Map<String, Double> per = new LinkedHashMap<>();
        usage.cpuSeconds().forEach((name, seconds) -> per.put(name, requests == 0 ? 0 : seconds * unitsPerSecond
                / requests));
        return per;
    }

    private static Map<String, Double> cores(BenchProc.Usage usage) {
        Map<String, Double> cores = new LinkedHashMap<>();
        usage.cpuSeconds().forEach((name, seconds) -> cores.put(name, seconds / usage.seconds()));
        return cores;
    }

    static void write(Report report, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), report);
    }

    static void print(Report report, PrintStream out) {
        out.printf("%nSurge benchmark: %d CPUs, %s, load average %.1f at start, generator %s%n", report.machine().cpus(),
                report.machine().java(), report.machine().loadAverageAtStart(), report.machine().generator());
        if (report.gateway() != null) {
            printGateway(report, out);
        }
        if (report.streaming() != null) {
            printStreaming(report.streaming(), report.settings(), out);
        }
        if (report.agentService() != null) {
            printAgentService(report.agentService(), report.settings(), out);
        }
        if (report.gatewayProfile() != null) {
            printProfile(report.gatewayProfile(), out);
        }
    }

    private static void printGateway(Report report, PrintStream out) {
        Gateway gateway = report.gateway();
        Pair closed = gateway.closedLoop();
        Pair open = gateway.openLoop();
        BareProxy bare = gateway.bareProxy();
        out.printf("%n== Gateway overhead: llm-simulator without latency or limits, direct vs through llm-gateway vs"
                + " through a bare Vert.x proxy (the floor)%n");
        Table table = new Table();
        table.row("", "direct", "through the gateway", "through the bare proxy");
        table.row(String.format("closed loop, %d connections", report.settings().connections()));
        table.row("  requests/s", count(closed.direct().perSecond()),
                share(closed.gateway(), gateway.throughputRatio()), share(bare.closedLoop(), bare.throughputRatio()));
        table.row("  latency p50 / p99 / max ms", latency(closed.direct().latencyMs()),
                latency(closed.gateway().latencyMs()), latency(bare.closedLoop().latencyMs()));
        table.row("  failed", failed(closed.direct()), failed(closed.gateway()), failed(bare.closedLoop()));
        table.row(String.format("open loop, %s requests/s", count(report.settings().rate())));
        table.row("  requests/s", count(open.direct().perSecond()), count(open.gateway().perSecond()),
                count(bare.openLoop().perSecond()));
        table.row("  latency p50 / p99 / max ms", latency(open.direct().latencyMs()),
                latency(open.gateway().latencyMs()), latency(bare.openLoop().latencyMs()));
        table.row("  added by the proxy p50 / p99 ms", "",
                String.format("%+.2f / %+.2f", gateway.addedP50Ms(), gateway.addedP99Ms()),
                String.format("%+.2f / %+.2f", bare.addedP50Ms(), bare.addedP99Ms()));
        table.row("  failed", failed(open.direct()), failed(open.gateway()), failed(bare.openLoop()));
        table.row("CPU us per request, closed / open loop");
        table.row("  the proxy", "-", cpuPair(closed.gateway(), open.gateway(), GATEWAY),
                cpuPair(bare.closedLoop(), bare.openLoop(), BARE_PROXY));
        for (String process : List.of(SIMULATOR, GENERATOR)) {
            table.row("  " + process, cpuPair(closed.direct(), open.direct(), process),
                    cpuPair(closed.gateway(), open.gateway(), process),
                    cpuPair(bare.closedLoop(), bare.openLoop(), process));
        }
        table.row("  other processes, cores busy", otherCores(closed.direct(), open.direct()),
                otherCores(closed.gateway(), open.gateway()), otherCores(bare.closedLoop(), bare.openLoop()));
        table.print(out);
        out.printf("llm-gateway: ready %.2f s after spawn; RSS %.0f MB after these runs (peak %.0f MB)%n",
                report.readyMs().getOrDefault(GATEWAY, 0.0) / 1000, gateway.rssMb(), gateway.peakRssMb());
    }

    private static void printStreaming(Streaming streaming, Settings settings, PrintStream out) {
        out.printf("%n== Streaming: %d streams at a time, %d ms a token, %.1f events a stream, direct vs through"
                + " llm-gateway%n", settings.streams(), settings.perTokenMs(), streaming.direct().eventsPerStream());
        Table table = new Table();
        table.row("", "direct", "through the gateway");
        table.row("streams/s", String.format("%.1f", streaming.direct().run().perSecond()),
                String.format("%.1f", streaming.gateway().run().perSecond()));
        table.row("first byte p50 / p99 / max ms", latency(streaming.direct().firstByteMs()),
                latency(streaming.gateway().firstByteMs()));
        table.row("gap between chunks p50 / p99 / max ms", latency(streaming.direct().gapMs()),
                latency(streaming.gateway().gapMs()));
        table.row("whole stream p50 / p99 / max ms", latency(streaming.direct().run().latencyMs()),
                latency(streaming.gateway().run().latencyMs()));
        table.row("added to each chunk p50 / p99 ms", "", String.format("%+.2f / %+.2f (over %d positions)",
                streaming.addedPerChunk().p50Ms(), streaming.addedPerChunk().p99Ms(),
                streaming.addedPerChunk().positions()));
        table.row("first delta via agent-service p50 / p99 / max ms", "",
                latency(streaming.agentFirstDeltaMs()) + " (a streamed POST, one at a time)");
        table.row("CPU us per stream: llm-gateway", "-", cpu(streaming.gateway().run(), GATEWAY));
        table.row("failed", failed(streaming.direct().run()), failed(streaming.gateway().run()));
        table.print(out);
    }

    private static void printAgentService(AgentService agent, Settings settings, PrintStream out) {
        out.printf("%n== agent-service capacity: users sending messages one after another (%d a task), upstream without"
                + " latency%n", settings.messagesPerTask());
        Table table = new Table();
        table.row("users", "messages/s", "p50 ms", "p99 ms", "failed", "CPU ms/message:", AGENT_SERVICE, TEMPORAL,
                GATEWAY, SIMULATOR, GENERATOR, "other cores");
        for (AgentLevel level : agent.levels()) {
            table.row(Integer.toString(level.users()), String.format("%.1f", level.messagesPerS()),
                    String.format("%.1f", level.latencyMs().p50()), String.format("%.1f", level.latencyMs().p99()),
                    Long.toString(level.failedByStatus().values().stream().mapToLong(Long::longValue).sum()
                            + level.errors()), "",
                    ms(level, AGENT_SERVICE), ms(level, TEMPORAL), ms(level, GATEWAY), ms(level, SIMULATOR),
                    ms(level, GENERATOR), String.format("%.2f", level.otherCores()));
        }
        table.print(out);
        if (agent.saturated()) {
            out.printf("saturation: from %d users, at %.1f messages/s at most%n", agent.saturationUsers(),
                    agent.peakMessagesPerS());
        } else {
            out.printf("still growing at the last level: %.1f messages/s at most%n", agent.peakMessagesPerS());
        }
    }

    private static void printProfile(BenchJfr.Summary profile, PrintStream out) {
        out.printf("%n== llm-gateway under the closed loop (JFR, %d CPU samples, %.0f MB allocated, GC pauses %.0f ms)%n",
                profile.samples(), profile.allocatedMb(), profile.gcPauseMs());
        printTop("methods, self time", profile.selfPercent(), out);
        printTop("packages, self time", profile.selfByPackagePercent(), out);
        printTop("Surge's methods, with what they call", profile.surgeTotalPercent(), out);
        printTop("allocation by class", profile.allocationPercent(), out);
    }

    private static void printTop(String title, Map<String, Double> percent, PrintStream out) {
        out.printf("%s:%n", title);
        percent.forEach((name, share) -> out.printf("  %5.1f %%  %s%n", share, name));
    }

    private static String count(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String latency(BenchLatency latency) {
        return String.format("%.2f / %.2f / %.1f", latency.p50(), latency.p99(), latency.max());
    }

    private static String failed(Run run) {
        long failed = run.failedByStatus().values().stream().mapToLong(Long::longValue).sum() + run.errors();
        return failed == 0 ? "0" : failed + " " + run.failedByStatus() + (run.errors() > 0 ? " errors " + run.errors()
                : "");
    }

    private static String cpu(Run run, String process) {
        return String.format("%.0f", run.cpuUsPerRequest().getOrDefault(process, 0.0));
    }

    private static String cpuPair(Run closed, Run open, String process) {
        return cpu(closed, process) + " / " + cpu(open, process);
    }

    private static String share(Run run, double ratio) {
        return String.format("%s (%.0f %% of direct)", count(run.perSecond()), 100 * ratio);
    }

    private static String otherCores(Run closed, Run open) {
        return String.format("%.2f / %.2f", closed.otherCores(), open.otherCores());
    }

    private static String ms(AgentLevel level, String process) {
        return String.format("%.2f", level.cpuMsPerMessage().getOrDefault(process, 0.0));
    }

    /** Writes a figure with three decimals: what the measurement can tell, without the noise of binary digits. */
    private static final class Rounded extends StdSerializer<Double> {

        Rounded() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeNumber(Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : 0);
        }
    }

    /** Left-aligned columns as wide as their widest cell. */
    private static final class Table {

        private final List<String[]> rows = new ArrayList<>();

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintStream out) {
            int columns = rows.stream().mapToInt(row -> row.length).max().orElse(0);
            int[] widths = new int[columns];
            for (String[] row : rows) {
                // A row of one cell is a heading: it does not widen the first column.
                for (int i = 0; row.length > 1 && i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(row.length == 1 ? row[i] : pad(row[i], widths[i])).append("  ");
                }
                out.println(line.toString().stripTrailing());
            }
        }

        private static String pad(String cell, int width) {
            return cell + " ".repeat(width - cell.length());
        }
    }
}
