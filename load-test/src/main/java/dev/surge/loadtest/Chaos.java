package dev.surge.loadtest;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

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
     */
    record Event(long epochMillis, String what) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();

    /** Everything done so far, in order. */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** Kills {@code service} (SIGKILL) and starts it again on its ports once it is gone. */
    void killAndRestart(SurgeProcesses.Service service) throws IOException, InterruptedException {
        mark("kill -9 " + service.name());
        service.kill();
        service.restart();
        mark(service.name() + " restarted");
    }

    /**
     * Terminates {@code service} (SIGTERM) as a rolling restart does, waits up to {@code timeout} for it to exit,
     * and starts it again.
     */
    void terminateAndRestart(SurgeProcesses.Service service, Duration timeout) throws IOException, InterruptedException {
        mark("SIGTERM " + service.name());
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

    private void mark(String what) {
        events.add(new Event(System.currentTimeMillis(), what));
        Console.info("CHAOS: %s", what);
    }
}
