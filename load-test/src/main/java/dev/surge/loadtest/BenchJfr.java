package dev.surge.loadtest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the gateway's time went during one window of a Java Flight Recorder recording: the methods and the
 * packages most often on top of the stack of a CPU sample (self time), Surge's own methods by how often they are
 * anywhere on it (their time with what they call), the classes that took most of the sampled allocation, and
 * the collector's pauses.
 */
final class BenchJfr {

    /**
     * The JVM options that record a whole run into {@code file}, written when the JVM exits: the profile settings
     * with CPU samples every 2 ms instead of 10 (enough samples from a window of seconds), and deeper stacks than
     * the default 64 frames (a proxied request runs below many Vert.x and Netty frames).
     */
    static List<String> recordingOptions(Path file) {
        return List.of("-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=2ms,dumponexit=true,"
                + "filename=" + file, "-XX:FlightRecorderOptions=stackdepth=128");
    }

    private BenchJfr() {
    }

    /** Surge's own code, whose time is counted with what it calls. */
    private static final String SURGE_PACKAGE = "dev.surge.";

    /**
     * The recording's summary between {@code from} and {@code to}.
     *
     * @param samples CPU samples of Java code in the window
     * @param selfPercent the methods most often on top of a sample, in percent of the samples
     * @param selfByPackagePercent the packages most often on top of a sample, in percent of the samples
     * @param surgeTotalPercent Surge's methods most often anywhere on a sample, in percent of the samples
     * @param allocationPercent the classes of most sampled allocation, in percent of its weight
     * @param allocatedMb sampled allocation weight in the window, in mebibytes (an estimate of what was allocated)
     * @param gcPauseMs the collector's pauses in the window
     */
    record Summary(long samples, Map<String, Double> selfPercent, Map<String, Double> selfByPackagePercent,
            Map<String, Double> surgeTotalPercent, Map<String, Double> allocationPercent, double allocatedMb,
            double gcPauseMs) {
    }

    static Summary summarise(Path recording, Instant from, Instant to, int top) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> selfByPackage = new HashMap<>();
        Map<String, Long> surgeTotal = new HashMap<>();
        Map<String, Long> allocation = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        Duration pauses = Duration.ZERO;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                    continue;
                }
                switch (event.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> {
                        if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
                            continue;
                        }
                        samples++;
                        List<RecordedFrame> frames = event.getStackTrace().getFrames();
                        RecordedMethod leaf = frames.get(0).getMethod();
                        self.merge(name(leaf), 1L, Long::sum);
                        selfByPackage.merge(packageOf(leaf), 1L, Long::sum);
                        Set<String> seen = new HashSet<>();
                        for (RecordedFrame frame : frames) {
                            String method = name(frame.getMethod());
                            if (method.startsWith(SURGE_PACKAGE) && seen.add(method)) {
                                surgeTotal.merge(method, 1L, Long::sum);
                            }
                        }
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        long weight = event.getLong("weight");
                        allocated += weight;
                        allocation.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                    }
                    case "jdk.GarbageCollection" -> pauses = pauses.plus(event.getDuration("sumOfPauses"));
                    default -> {
                        // Other events are not summarised.
                    }
                }
            }
        }
        return new Summary(samples, percentOf(self, samples, top), percentOf(selfByPackage, samples, top),
                percentOf(surgeTotal, samples, top), percentOf(allocation, allocated, top), allocated / 1024.0 / 1024.0,
                pauses.toNanos() / 1e6);
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    private static String packageOf(RecordedMethod method) {
        String type = method.getType().getName();
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "(default package)" : type.substring(0, dot);
    }

    private static Map<String, Double> percentOf(Map<String, Long> counts, long whole, int top) {
        Map<String, Double> percent = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .forEach(entry -> percent.put(entry.getKey(), whole == 0 ? 0 : 100.0 * entry.getValue() / whole));
        return percent;
    }
}
