package dev.surge.loadtest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of Surge stacks on loopback, each a separate JVM on a free port: a standalone Temporal test
 * server, llm-simulators, llm-gateways and agent-services, as many of each as a run needs, and the benchmark's bare
 * proxy, all stopped newest first, by PID. The one launcher of the demo ({@link Stack}), the benchmark
 * ({@link BenchProcesses}) and the tests that kill processes: each Quarkus application can be killed (SIGKILL),
 * terminated (SIGTERM) and restarted on its ports with its settings.
 * <p>
 * Start-up is timed from just before the process is spawned to the first 200 of its {@code /q/health/ready} (on
 * the management port where the application has one), probed every {@link #READY_PROBE_INTERVAL}.
 */
final class SurgeProcesses implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration READY_PROBE_INTERVAL = Duration.ofMillis(10);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /**
     * {@link BenchBareProxy}, by name: this JVM has no Vert.x, so it cannot load that class (nor take its name from
     * it); it is in this module's classes, on the proxy's class path.
     */
    private static final String BARE_PROXY_CLASS = "dev.surge.loadtest.BenchBareProxy";
    /** The AppCDS archive a Quarkus build writes into {@code target/quarkus-app} when asked to. */
    private static final String APP_CDS = "app-cds.jsa";

    private final Path root;
    private final Path logs;
    private final String gatewayKey;
    private final Deque<ManagedProcess> running = new ArrayDeque<>();
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Double> readyMillis = new LinkedHashMap<>();
    /** Set once stopping began (Ctrl-C may come while starting): nothing more starts. */
    private boolean closed;

    /**
     * @param root       the Surge checkout whose modules were built
     * @param logs       where each process's log goes, as {@code <name>.log}
     * @param gatewayKey the key agent-services present to the gateways, and the gateways accept
     */
    SurgeProcesses(Path root, Path logs, String gatewayKey) {
        this.root = root;
        this.logs = logs;
        this.gatewayKey = gatewayKey;
    }

    /**
     * A Quarkus application this launcher started, on fixed ports: killing it and starting it again brings it back
     * where its clients expect it.
     */
    final class Service {

        private final String name;
        private final List<String> command;
        /** Where it runs; null: the launcher's own folder. */
        private final Path directory;
        private final URI url;
        private final URI ready;
        private final URI metrics;
        private volatile ManagedProcess process;
        /** Starts so far: the log of each start after the first gets its number, so a killed one's log is kept. */
        private int starts;

        private Service(String name, List<String> command, Path directory, int port, int managementPort) {
            this.name = name;
            this.command = List.copyOf(command);
            this.directory = directory;
            this.url = URI.create("http://127.0.0.1:" + port);
            this.ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
            this.metrics = URI.create("http://127.0.0.1:" + managementPort + "/q/metrics");
        }

        String name() {
            return name;
        }

        /** The application's base URL, such as {@code http://127.0.0.1:41234}. */
        URI url() {
            return url;
        }

        /** Its Prometheus metrics ({@code /q/metrics}, on the management port where it has one). */
        URI metrics() {
            return metrics;
        }

        long pid() {
            return process.pid();
        }

        /** Ends it at once (SIGKILL), as a node that vanished. */
        void kill() throws InterruptedException {
            process.kill();
            Console.info("killed %s (pid %d)", name, process.pid());
        }

        /**
         * Asks it to stop (SIGTERM), as a rolling restart does, and waits up to {@code timeout} for it to exit;
         * answers its exit code, -1 when it had to be killed after the timeout.
         */
        int terminate(Duration timeout) throws InterruptedException {
            int exit = process.terminate(timeout);
            Console.info("terminated %s (pid %d): exit %d", name, process.pid(), exit);
            return exit;
        }

        /** Starts it again, on the same ports with the same settings, and waits until it is ready. */
        void restart() throws IOException, InterruptedException {
            if (process.isAlive()) {
                throw new IllegalStateException(name + " is still running");
            }
            start();
        }

        private void start() throws IOException, InterruptedException {
            long spawned = System.nanoTime();
            starts++;
            process = launch(name, starts == 1 ? name : name + "." + starts, command, directory);
            process.awaitHttpReady(ready, START_TIMEOUT, READY_PROBE_INTERVAL);
            synchronized (running) {
                readyMillis.put(name, (System.nanoTime() - spawned) / 1e6);
            }
        }
    }

    /**
     * A Temporal test server in its own process ({@link TemporalTestServer}: temporal-test-server with a workaround for
     * a leak that slows long runs); answers its frontend address ({@code host:port}).
     */
    String startTemporal() throws IOException, InterruptedException {
        return startTemporal(List.of());
    }

    /** A Temporal test server as {@link #startTemporal()} starts it, with {@code javaOptions} too. */
    String startTemporal(List<String> javaOptions) throws IOException, InterruptedException {
        // agent-service's libraries plus the in-memory Temporal it keeps beside its package (not in it).
        Path agentApp = quarkusApp("agent-service");
        List<String> options = new ArrayList<>(List.of("-Xmx1g"));
        options.addAll(javaOptions);
        int port = startMain("temporal", options, List.of(agentApp.resolve("lib/main"),
                agentApp.resolveSibling("embedded-temporal")), TemporalTestServer.class.getName());
        return "127.0.0.1:" + port;
    }

    /**
     * The benchmark's {@link BenchBareProxy} called {@code name} in front of {@code upstream} ({@code .../v1}), on
     * llm-gateway's own jars (its Vert.x and Netty) with {@code javaOptions}; answers its base URL once it listens.
     */
    URI startBareProxy(String name, URI upstream, String upstreamKey, List<String> javaOptions)
            throws IOException, InterruptedException {
        Path gatewayApp = quarkusApp("llm-gateway");
        int port = startMain(name, javaOptions, List.of(gatewayApp.resolve("lib/boot"), gatewayApp.resolve("lib/main")),
                BARE_PROXY_CLASS, upstream.toString(), upstreamKey);
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Runs {@code mainClass}, one of this module's, as process {@code name} on the jars of {@code libraries} and this
     * module's classes, with a free port and then {@code args} as its arguments; answers the port once it is open.
     */
    private int startMain(String name, List<String> javaOptions, List<Path> libraries, String mainClass,
            String... args) throws IOException, InterruptedException {
        int port = freePort();
        StringBuilder classPath = new StringBuilder();
        for (Path library : libraries) {
            classPath.append(library).append("/*").append(File.pathSeparator);
        }
        classPath.append(classesOf(SurgeProcesses.class));
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", classPath.toString(), mainClass, Integer.toString(port)));
        command.addAll(List.of(args));
        launch(name, name, command).awaitPortOpen(port, START_TIMEOUT);
        return port;
    }

    /** An llm-simulator called {@code name} with {@code config} ({@code surge.simulator.*} settings). */
    Service startSimulator(String name, Map<String, String> config, List<String> javaOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("quarkus.http.port", Integer.toString(port));
        return startQuarkus(name, "llm-simulator", javaOptions, all, port, port);
    }

    /** An llm-gateway called {@code name} in front of {@code simulator}, with {@code config} on top. */
    Service startGateway(String name, Service simulator, Map<String, String> config, List<String> javaOptions)
            throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("surge.gateway.upstream.url", simulator.url().resolve("/v1").toString());
        return startGateway(name, all, javaOptions);
    }

    /** An llm-gateway called {@code name} whose {@code config} names its upstreams (deployments). */
    Service startGateway(String name, Map<String, String> config, List<String> javaOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        int management = freePort();
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("quarkus.http.port", Integer.toString(port));
        all.put("quarkus.management.port", Integer.toString(management));
        all.put("surge.gateway.api-keys", gatewayKey);
        return startQuarkus(name, "llm-gateway", javaOptions, all, port, management);
    }

    /**
     * An agent-service called {@code name} on {@code temporal}, calling the gateways at {@code gateways} (one
     * URL, or several that its REST client balances over and fails over between), verifying callers' tokens with
     * the public half of {@code signingKey} (as {@link DemoTokens#generate(Path)} wrote it), with {@code config} on
     * top of the launcher's.
     */
    Service startAgentService(String name, String temporal, List<URI> gateways, Path signingKey,
            Map<String, String> config, List<String> javaOptions) throws IOException, InterruptedException {
        int port = freePort();
        int management = freePort();
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("quarkus.http.port", Integer.toString(port));
        all.put("quarkus.management.port", Integer.toString(management));
        all.put("quarkus.temporal.connection.target", temporal);
        all.putAll(gatewayClientConfig(gateways));
        all.put("surge.llm.gateway-api-key", gatewayKey);
        all.put("mp.jwt.verify.publickey.location", signingKey.toUri().toString());
        all.put("mp.jwt.verify.issuer", DemoTokens.ISSUER);
        all.put("mp.jwt.verify.audiences", DemoTokens.AUDIENCE);
        return startQuarkus(name, "agent-service", javaOptions, all, port, management);
    }

    /**
     * The REST client's address of the gateways: the URL of one, or a SmallRye Stork static list of several,
     * balanced round-robin, so that a retry after a connection failure goes to the next gateway.
     */
    static Map<String, String> gatewayClientConfig(List<URI> gateways) {
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("agent-service needs at least one gateway");
        }
        if (gateways.size() == 1) {
            return Map.of("quarkus.rest-client.llm-gateway.url", gateways.get(0).toString());
        }
        List<String> addresses = gateways.stream().map(g -> g.getHost() + ":" + g.getPort()).toList();
        return Map.of("quarkus.rest-client.llm-gateway.url", "stork://llm-gateway",
                "quarkus.stork.llm-gateway.service-discovery.type", "static",
                "quarkus.stork.llm-gateway.service-discovery.address-list", String.join(",", addresses));
    }

    /** The PID of every process started so far, by name (the latest start of a restarted one). */
    Map<String, Long> pids() {
        synchronized (running) {
            return new LinkedHashMap<>(pids);
        }
    }

    /** Milliseconds from spawn to ready of each Quarkus application started so far, by name. */
    Map<String, Double> readyMillis() {
        synchronized (running) {
            return new LinkedHashMap<>(readyMillis);
        }
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    private Service startQuarkus(String name, String module, List<String> javaOptions, Map<String, String> config,
            int port, int managementPort) throws IOException, InterruptedException {
        Path app = quarkusApp(module);
        // An AppCDS archive (llm-gateway's build writes one: quarkus.package.jar.appcds.enabled) maps the classes
        // its start-up loads instead of loading them one by one. The JVM takes it only with the class path it was
        // written with, the jar named from its own folder, so the application then runs from there.
        boolean appCds = Files.isRegularFile(app.resolve(APP_CDS));
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        if (appCds) {
            command.add("-XX:SharedArchiveFile=" + APP_CDS);
        }
        command.addAll(javaOptions);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", appCds ? "quarkus-run.jar" : app.resolve("quarkus-run.jar").toString()));
        Service service = new Service(name, command, appCds ? app : null, port, managementPort);
        service.start();
        return service;
    }

    private ManagedProcess launch(String name, String logName, List<String> command) throws IOException {
        return launch(name, logName, command, null);
    }

    private ManagedProcess launch(String name, String logName, List<String> command, Path directory)
            throws IOException {
        synchronized (running) {
            if (closed) {
                throw new IOException("the stack is stopping; " + name + " was not started");
            }
            ManagedProcess process = ManagedProcess.start(name, command, directory, log(logName));
            running.push(process);
            pids.put(name, process.pid());
            return process;
        }
    }

    private Path quarkusApp(String module) {
        Path app = root.resolve(module).resolve("target/quarkus-app");
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app + "/quarkus-run.jar is missing: build first with "
                    + "./mvnw -B package -DskipTests (./demo and ./bench do)");
        }
        return app;
    }

    /** Where {@code type} was loaded from: this module's classes folder or jar. */
    private static Path classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every process started so far, newest first, by PID; safe from a shutdown hook, and twice. */
    @Override
    public void close() {
        synchronized (running) {
            closed = true;
        }
        while (true) {
            ManagedProcess process;
            synchronized (running) {
                process = running.poll();
            }
            if (process == null) {
                return;
            }
            if (process.isAlive()) {
                process.close();
                Console.info("stopped %s (pid %d)", process.name(), process.pid());
            }
        }
    }
}
