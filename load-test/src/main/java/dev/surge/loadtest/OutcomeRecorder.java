package dev.surge.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What each message came to, as the frontend saw it: the final HTTP status and the time from the
 * POST to the reply (or to the failure). Gatling's own statistics are per request; a message may
 * take several POSTs (one per 202), so the per-message view is recorded here.
 *
 * <p>Called from Gatling's event loops, hence the concurrent structures.
 */
final class OutcomeRecorder {

    /**
     * The status recorded when no HTTP answer came at all (connection refused, request timeout) or the
     * reply came after the user's patience ran out.
     */
    static final int NO_ANSWER = 0;

    private static final long MICROS_PER_SECOND = TimeUnit.SECONDS.toMicros(1);

    private final long startedAtMillis = System.currentTimeMillis();
    /** Every message's latency, in microseconds; auto-resizing, so no wait is too long to record. */
    private final Recorder latencies = new Recorder(3);
    /** The latency of the messages answered, for the distribution of how long a reply took. */
    private final Recorder answered = new Recorder(3);
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, LongAdder[]> perSecond = new ConcurrentSkipListMap<>();

    void record(int status, long latencyNanos) {
        long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(latencyNanos));
        latencies.recordValue(micros);
        if (succeeded(status)) {
            answered.recordValue(micros);
        }
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        long second = (System.currentTimeMillis() - startedAtMillis) / 1000;
        LongAdder[] bucket = perSecond.computeIfAbsent(second, s -> new LongAdder[] {new LongAdder(), new LongAdder()});
        bucket[succeeded(status) ? 0 : 1].increment();
    }

    /** A one-line summary for the progress shown while the scenario runs. */
    String progress(long expected) {
        long done = 0;
        long failed = 0;
        for (Map.Entry<Integer, LongAdder> e : byStatus.entrySet()) {
            long count = e.getValue().sum();
            done += count;
            failed += succeeded(e.getKey()) ? 0 : count;
        }
        return String.format("%d/%d messages answered, %d failed", done, expected, failed);
    }

    static boolean succeeded(int status) {
        return status == 200;
    }

    /** Writes the outcomes as JSON: counts, failures by status, latency percentiles and a per-second timeline. */
    void writeTo(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        long succeeded = 0;
        long failed = 0;
        Map<String, Long> failedByStatus = new TreeMap<>();
        for (Map.Entry<Integer, LongAdder> e : byStatus.entrySet()) {
            long count = e.getValue().sum();
            if (succeeded(e.getKey())) {
                succeeded += count;
            } else {
                failed += count;
                failedByStatus.put(e.getKey() == NO_ANSWER ? "no_answer" : e.getKey().toString(), count);
            }
        }
        root.put("started_at_ms", startedAtMillis);
        root.put("messages", succeeded + failed);
        root.put("succeeded", succeeded);
        root.put("failed", failed);
        root.set("failed_by_status", json.valueToTree(failedByStatus));

        Histogram histogram = latencies.getIntervalHistogram();
        ObjectNode latency = root.putObject("latency_ms");
        latency.put("p50", millis(histogram.getValueAtPercentile(50)));
        latency.put("p95", millis(histogram.getValueAtPercentile(95)));
        latency.put("p99", millis(histogram.getValueAtPercentile(99)));
        latency.put("max", millis(histogram.getMaxValue()));

        // Cumulative: messages answered within each whole second, up to the slowest reply.
        Histogram waits = answered.getIntervalHistogram();
        var answeredWithin = root.putArray("answered_within");
        long lastSecond = (waits.getMaxValue() + MICROS_PER_SECOND - 1) / MICROS_PER_SECOND;
        for (long s = 0; waits.getTotalCount() > 0 && s <= lastSecond; s++) {
            answeredWithin.addObject().put("s", s).put("messages", waits.getCountBetweenValues(0, s * MICROS_PER_SECOND));
        }

        var timeline = root.putArray("timeline");
        perSecond.forEach((second, bucket) -> timeline.addObject()
                .put("t", second)
                .put("succeeded", bucket[0].sum())
                .put("failed", bucket[1].sum()));

        Files.createDirectories(file.toAbsolutePath().getParent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    private static long millis(long micros) {
        return Math.round(micros / 1000.0);
    }
}
