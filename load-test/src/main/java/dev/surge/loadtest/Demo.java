package dev.surge.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Surge's demo: for each profile, a fresh stack, the scenario against it, then a report that puts
 * the profiles side by side. Run by {@code ./demo}; see {@link Options} for the arguments.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** The processes of the run under way, so that an interrupt (Ctrl-C, SIGTERM) still stops them. */
    private static final AtomicReference<AutoCloseable> RUNNING_STACK = new AtomicReference<>();
    private static final AtomicReference<AutoCloseable> RUNNING_LOAD = new AtomicReference<>();

    private Demo() {
    }

    /**
     * The demo's arguments.
     *
     * @param root the Surge checkout whose modules were built
     * @param users concurrent users
     * @param messages messages per user
     * @param profiles profiles to run, in order
     * @param thinkTime pause between a reply and the next message
     * @param patience how long a user waits for one reply before counting it failed
     * @param simulator the provider's limits
     * @param out where the report goes
     */
    public record Options(Path root, int users, int messages, List<Profile> profiles, Duration thinkTime,
            Duration patience, SimulatorSettings simulator, Path out) {

        static final String USAGE = """
                usage: ./demo [--users N] [--messages M] [--profiles baseline,resilient] [--full]
                              [--think-time-ms T] [--patience-s S] [--rpm R] [--tpm T] [--providers N]
                              [--out DIR]
                  --users N        concurrent users, each with one conversation (default 500)
                  --messages M     messages each user sends, one after another (default 4)
                  --full           the seed's scale: 500 users x 40 messages
                  --profiles P,..  baseline (the system before the fix) and/or resilient (Surge's defaults)
                  --think-time-ms  pause between a reply and the user's next message (default 1000)
                  --patience-s S   how long a user waits for one reply; a later one counts failed (default 120)
                  --rpm R          each simulated deployment's requests a minute per key (default: a third of
                                   the load that can reach it, at most 600 in all: the provider stays the
                                   bottleneck)
                  --tpm T          each simulated deployment's tokens a minute per key (default 2000000)
                  --providers N    deployments of the model, one simulator each, which the gateway routes
                                   across (default 1)
                  --out DIR        report folder (default load-test/target/surge-report)
                Exits 3 when the provider refused none of the baseline's requests: the run proved nothing.
                """;

        /** Parses the command line; throws {@link IllegalArgumentException} with the usage on bad input. */
        public static Options parse(Path root, String... args) {
            int users = 500;
            int messages = 4;
            List<Profile> profiles = List.of(Profile.BASELINE, Profile.RESILIENT);
            Duration thinkTime = Duration.ofSeconds(1);
            Duration patience = ScenarioSettings.DEFAULT_PATIENCE;
            Integer rpm = null;
            int tpm = SimulatorSettings.DEFAULT_TPM;
            int providers = 1;
            Path out = root.resolve("load-test/target/surge-report");
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--full" -> {
                        users = 500;
                        messages = 40;
                    }
                    case "--users" -> users = positive(arg, value(args, ++i, arg));
                    case "--messages" -> messages = positive(arg, value(args, ++i, arg));
                    case "--profiles" -> profiles = parseProfiles(value(args, ++i, arg));
                    case "--think-time-ms" -> thinkTime = Duration.ofMillis(nonNegative(arg, value(args, ++i, arg)));
                    case "--patience-s" -> patience = Duration.ofSeconds(positive(arg, value(args, ++i, arg)));
                    case "--rpm" -> rpm = positive(arg, value(args, ++i, arg));
                    case "--tpm" -> tpm = positive(arg, value(args, ++i, arg));
                    case "--providers" -> providers = positive(arg, value(args, ++i, arg));
                    case "--out" -> out = Path.of(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
                }
            }
            // A sized limit is the provider's in all, shared by its deployments.
            int perDeployment = rpm != null ? rpm : Math.max(1, Load.sizedRpm(users, thinkTime) / providers);
            SimulatorSettings simulator = new SimulatorSettings(perDeployment, tpm, providers);
            return new Options(root, users, messages, profiles, thinkTime, patience, simulator, out);
        }

        /** The load these options offer the provider. */
        Load load() {
            return Load.of(users, thinkTime, simulator);
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
            }
            return args[i];
        }

        private static int positive(String name, String value) {
            int n = nonNegative(name, value);
            if (n == 0) {
                throw new IllegalArgumentException(name + " must be at least 1\n" + USAGE);
            }
            return n;
        }

        private static int nonNegative(String name, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " takes a whole number, not '" + value + "'\n" + USAGE);
        }

        private static List<Profile> parseProfiles(String value) {
            try {
                return Arrays.stream(value.split(",")).filter(s -> !s.isBlank()).map(Profile::parse).distinct().toList();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--profiles takes baseline and/or resilient, not '" + value + "'\n" + USAGE);
            }
        }
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("surge.root", ".")).toAbsolutePath().normalize();
        if (Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(root, args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Demo::stopEverything, "demo-shutdown"));
        try {
            if (!Report.overloaded(run(options))) {
                System.exit(3);
            }
        } catch (Exception e) {
            Console.info("demo failed: %s", e.getMessage());
            System.exit(1);
        }
    }

    /** Runs every profile in turn and writes the report; returns the report's JSON. */
    public static JsonNode run(Options options) throws IOException, InterruptedException {
        SimulatorSettings provider = options.simulator();
        Load load = options.load();
        Console.info("scenario: %d users x %d messages, think time %d ms, patience %d s per reply",
                options.users(), options.messages(), options.thinkTime().toMillis(), options.patience().toSeconds());
        Console.info("provider: %d deployment(s) of %d RPM (%.1f requests/s in all, enforced per %d ms), %d TPM, "
                + "about %d ms a reply", provider.deployments(), provider.rpm(), load.limitPerSecond(),
                SimulatorSettings.BURST.toMillis(), provider.tpm(), SimulatorSettings.EXPECTED_LATENCY.toMillis());
        Console.info("offered load: %.1f messages/s = %d users / (%.1f s think time + %.1f s provider latency), "
                + "%.1fx the provider's limit; fair-share wait %.1f s", load.offeredPerSecond(), options.users(),
                options.thinkTime().toMillis() / 1000.0, SimulatorSettings.EXPECTED_LATENCY.toMillis() / 1000.0,
                load.offeredPerSecond() / load.limitPerSecond(), load.fairShareWait().toMillis() / 1000.0);
        if (!load.certain()) {
            Console.info("warning: at most %.1fx the provider's limit can reach it (Surge's stack carries about %.0f "
                    + "messages/s on 2 cores); below %.0fx the provider may not be the bottleneck",
                    load.overload(), Load.STACK_CAPACITY_PER_S, Load.OVERLOAD_FACTOR);
        }
        Files.createDirectories(options.out());
        List<ObjectNode> runs = new ArrayList<>();
        for (Profile profile : options.profiles()) {
            runs.add(runProfile(options, profile));
        }
        JsonNode report = Report.write(options, runs);
        Report.printTable(report);
        Console.info("report: %s and %s", options.out().resolve("report.json"), options.out().resolve("report.html"));
        if (!Report.overloaded(report)) {
            Console.info("the scenario did not overload the provider: it refused none of the baseline's requests, so "
                    + "this run shows nothing about resilience. Lower --rpm or raise --users.");
        }
        return report;
    }

    private static ObjectNode runProfile(Options options, Profile profile) throws IOException, InterruptedException {
        Path logs = options.out().resolve("logs").resolve(profile.label());
        Console.info("== %s: starting a fresh stack", profile.label());
        try (Stack stack = new Stack(options.simulator().deployments());
                UpstreamStats upstream = new UpstreamStats(stack.simulatorUrls())) {
            RUNNING_STACK.set(stack);
            stack.start(options.root(), profile, options.simulator(), logs);
            Path outcomes = options.out().resolve("outcomes-" + profile.label() + ".json");
            Files.deleteIfExists(outcomes);
            ScenarioSettings scenario = new ScenarioSettings(stack.agentServiceUrl(), options.users(), options.messages(),
                    options.thinkTime(), rampUp(options.users()), Duration.ofSeconds(30), options.patience(), outcomes);

            Console.info("== %s: %d users x %d messages", profile.label(), options.users(), options.messages());
            upstream.startSampling();
            long started = System.nanoTime();
            int exit = runGatling(options, profile, scenario, logs);
            double durationSeconds = (System.nanoTime() - started) / 1e9;
            UpstreamStats.Sample totals = upstream.read();
            if (!Files.isRegularFile(outcomes)) {
                throw new IOException("the " + profile.label() + " scenario ended (exit " + exit
                        + ") without writing its outcomes; see " + logs.resolve("gatling.log"));
            }
            return Report.run(profile, options, (ObjectNode) JSON.readTree(outcomes.toFile()), totals,
                    upstream.samples(), durationSeconds, latestGatlingReport(options.out().resolve("gatling")));
        } finally {
            RUNNING_STACK.set(null);
        }
    }

    private static int runGatling(Options options, Profile profile, ScenarioSettings scenario, Path logs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx1g",
                // What the Gatling launchers pass: its log writer reads String internals.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(Arrays.asList(scenario.asSystemProperties()));
        command.add("-D" + DemoTokens.KEY_FILE_PROPERTY + "=" + DemoTokens.privateKeyFile(logs).toAbsolutePath());
        command.addAll(List.of("io.gatling.app.Gatling",
                "--simulation", SurgeSimulation.class.getName(),
                "--results-folder", options.out().resolve("gatling").toAbsolutePath().toString(),
                "--run-description", profile.label(),
                "--launcher", "surge-demo",
                "--build-tool-version", "1"));
        ManagedProcess gatling = ManagedProcess.startPiped("gatling", command, logs.resolve("gatling.log"), line -> {
            if (line.startsWith(SurgeSimulation.PROGRESS)) {
                Console.info("%s: %s", profile.label(), line.substring(SurgeSimulation.PROGRESS.length()));
            }
        });
        RUNNING_LOAD.set(gatling);
        try {
            return gatling.waitFor(Duration.ofHours(3));
        } finally {
            RUNNING_LOAD.set(null);
        }
    }

    /**
     * Users arrive over a few seconds, as a crowd does, rather than in one instant. At least a second:
     * Gatling 3.15 injects no user at all from a ramp shorter than that.
     */
    private static Duration rampUp(int users) {
        return Duration.ofMillis(Math.max(1_000, Math.min(10_000, users * 20L)));
    }

    private static Path latestGatlingReport(Path results) throws IOException {
        if (!Files.isDirectory(results)) {
            return null;
        }
        try (Stream<Path> runs = Files.list(results)) {
            return runs.filter(p -> Files.isRegularFile(p.resolve("index.html")))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .map(p -> p.resolve("index.html"))
                    .orElse(null);
        }
    }

    private static void stopEverything() {
        for (AtomicReference<AutoCloseable> running : List.of(RUNNING_LOAD, RUNNING_STACK)) {
            AutoCloseable closeable = running.getAndSet(null);
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + closeable + ": " + e.getMessage());
                }
            }
        }
    }
}
