package dev.surge.loadtest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What goes wrong during a chaos run, one thing after another, each printed as a marker and recorded for the
 * report's timeline: a process killed (SIGKILL, a node that vanished) or terminated (SIGTERM, a rolling restart) and
 * started again on its ports, and bursts of provider faults injected through llm-simulator's {@code /sim/config}.
 */
final class Chaos {

    /**
     * One thing that happened.
     *
     * @param epochMillis when it began
     * @param what        what was done, such as {@code kill -9 agent-service-1}
     * @param callsInFlight the LLM calls the struck agent-service held as it was struck; 0 for other events
     */
    record Event(long epochMillis, String what, int callsInFlight) {
    }

    /** How long a fault waits for its target to have an LLM call in flight before striking anyway. */
    private static final Duration BUSY_WAIT = Duration.ofSeconds(20);
    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^surge_llm_calls_in_flight(?:\\{[^}]*\\})? ([0-9.]+)$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Event> events = new CopyOnWriteArrayList<>();

    /** Everything done so far, in order. */
    List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * The agent-service among {@code agents} with the most LLM calls in flight, once one has any (waiting at most
     * 20 s, then the first), so that the fault that follows strikes mid-reply. Temporal's test server hands activity
     * tasks to whichever worker polled last, so which instance holds the calls changes as instances restart.
     */
    SurgeProcesses.Service busiest(List<SurgeProcesses.Service> agents) throws InterruptedException {
        long deadline = System.nanoTime() + BUSY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            SurgeProcesses.Service busiest = null;
            double most = 0;
            for (SurgeProcesses.Service agent : agents) {
                double inFlight = inFlight(agent);
                if (inFlight > most) {
                    most = inFlight;
                    busiest = agent;
                }
            }
            if (busiest != null) {
                return busiest;
            }
            Thread.sleep(50);
        }
        return agents.get(0);
    }

    /** The LLM calls {@code agent} has in flight now, from its metrics; 0 when it does not answer. */
    private double inFlight(SurgeProcesses.Service agent) throws InterruptedException {
        try {
            Matcher inFlight = IN_FLIGHT.matcher(http.send(HttpRequest.newBuilder(agent.metrics())
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body());
            return inFlight.find() ? Double.parseDouble(inFlight.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Kills {@code service} (SIGKILL) and starts it again on its ports once it is gone. */
    void killAndRestart(SurgeProcesses.Service service) throws IOException, InterruptedException {
        strike("kill -9 ", service);
        service.kill();
        service.restart();
        mark(service.name() + " restarted");
    }

    /**
     * Terminates {@code service} (SIGTERM) as a rolling restart does, waits up to {@code timeout} for it to exit,
     * and starts it again.
     */
    void terminateAndRestart(SurgeProcesses.Service service, Duration timeout) throws IOException, InterruptedException {
        strike("SIGTERM ", service);
        int exit = service.terminate(timeout);
        mark(service.name() + (exit == -1 ? " killed after " + timeout.toSeconds() + " s" : " exited") + ", restarted");
        service.restart();
    }

    /**
     * For {@code length}, {@code share} of the provider's admitted requests fail: a third answered 5xx, a third reset,
     * a third hung for {@code hangFor} and then reset. The provider then answers normally again.
     */
    void faultBurst(SimulatorControl provider, double share, Duration length, Duration hangFor)
            throws IOException, InterruptedException {
        double each = share / 3;
        mark(String.format("provider faults: %.0f%% 5xx, resets and hangs for %d s", share * 100, length.toSeconds()));
        provider.configure(String.format(Locale.ROOT,
                "{\"faults\":{\"error_rate\":%.4f,\"reset_rate\":%.4f,\"hang_rate\":%.4f,\"hang_for_ms\":%d}}",
                each, each, each, hangFor.toMillis()));
        try {
            Thread.sleep(length.toMillis());
        } finally {
            provider.configure("{\"faults\":{\"error_rate\":0,\"reset_rate\":0,\"hang_rate\":0}}");
            mark("provider healthy again");
        }
    }

    /** Marks a fault about to strike {@code service}, with the LLM calls it holds when it is an agent-service. */
    private void strike(String fault, SurgeProcesses.Service service) throws InterruptedException {
        if (service.name().startsWith("agent-service")) {
            int calls = (int) inFlight(service);
            mark(fault + service.name() + " (" + calls + " LLM calls in flight)", calls);
        } else {
            mark(fault + service.name(), 0);
        }
    }

    private void mark(String what) {
        mark(what, 0);
    }

    private void mark(String what, int callsInFlight) {
        events.add(new Event(System.currentTimeMillis(), what, callsInFlight));
        Console.info("CHAOS: %s", what);
    }
}
