package dev.surge.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The demo's report: {@code report.json} for machines, {@code report.html} for people, and a table
 * on the console. One entry per profile under {@code runs}.
 */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {
    }

    /** Builds one profile's entry from the scenario's outcomes and the provider's counters. */
    static ObjectNode run(Profile profile, Demo.Options options, ObjectNode outcomes, UpstreamStats.Sample upstream,
            List<UpstreamStats.Sample> samples, double durationSeconds, Path gatlingReport) {
        long messages = (long) options.users() * options.messages();
        long succeeded = outcomes.path("succeeded").asLong();
        ObjectNode failedByStatus = outcomes.path("failed_by_status").deepCopy();
        long notSent = messages - outcomes.path("messages").asLong();
        if (notSent > 0) {
            // A user whose task could not be created sends none of its messages.
            failedByStatus.put("not_sent", notSent);
        }

        ObjectNode run = JSON.createObjectNode();
        run.put("profile", profile.label());
        run.put("messages", messages);
        run.put("succeeded", succeeded);
        run.put("failed", messages - succeeded);
        run.set("failed_by_status", failedByStatus);
        run.put("upstream_requests", upstream.requests());
        run.put("upstream_429", upstream.rateLimited());
        run.put("amplification", round2((double) upstream.requests() / messages));
        run.put("throughput_per_s", round2(succeeded / durationSeconds));
        run.put("provider_limit_share", round2(succeeded / durationSeconds / options.load().limitPerSecond()));
        run.put("provider_busy_share", round2(busyShare(samples, upstream, options.load().limitPerSecond())));
        run.set("latency_ms", outcomes.path("latency_ms"));
        run.set("answered_within", outcomes.path("answered_within"));
        run.put("duration_s", round2(durationSeconds));
        run.set("timeline", timeline(outcomes, samples));
        if (gatlingReport != null) {
            run.put("gatling_report", options.out().relativize(gatlingReport).toString());
        }
        return run;
    }

    /**
     * The share of the provider's limit its admitted requests (requests less 429s) used from the second the first
     * request reached it to the second the last one did: how busy Surge kept the provider while messages were
     * there for it. Unlike {@code provider_limit_share} it leaves out the start of a run, when the users are still
     * opening their tasks and nothing has reached the provider yet, and the end, when the last replies are relayed.
     * 0 when fewer than two samples saw requests.
     */
    static double busyShare(List<UpstreamStats.Sample> samples, UpstreamStats.Sample totals, double limitPerSecond) {
        long first = -1;
        long last = -1;
        long before = -1;
        for (UpstreamStats.Sample sample : samples) {
            if (sample.requests() == 0) {
                before = sample.epochMillis();
            } else if (first < 0) {
                // It began within the second before this sample.
                first = before < 0 ? sample.epochMillis() : before;
            }
            if (last < 0 && sample.requests() >= totals.requests() && totals.requests() > 0) {
                last = sample.epochMillis();
            }
        }
        if (first < 0 || last <= first) {
            return 0;
        }
        double seconds = (last - first) / 1000.0;
        return (totals.requests() - totals.rateLimited()) / seconds / limitPerSecond;
    }

    /** Per second since the scenario started: messages answered and failed, upstream requests and 429s (cumulative). */
    private static ArrayNode timeline(ObjectNode outcomes, List<UpstreamStats.Sample> samples) {
        long startedAt = outcomes.path("started_at_ms").asLong();
        Map<Long, ObjectNode> seconds = new LinkedHashMap<>();
        long succeeded = 0;
        long failed = 0;
        for (JsonNode bucket : outcomes.path("timeline")) {
            succeeded += bucket.path("succeeded").asLong();
            failed += bucket.path("failed").asLong();
            seconds.computeIfAbsent(bucket.path("t").asLong(), Report::second)
                    .put("succeeded", succeeded)
                    .put("failed", failed);
        }
        for (UpstreamStats.Sample sample : samples) {
            long t = Math.floorDiv(sample.epochMillis() - startedAt, 1000);
            if (t >= 0) {
                seconds.computeIfAbsent(t, Report::second)
                        .put("upstream_requests", sample.requests())
                        .put("upstream_429", sample.rateLimited());
            }
        }
        ArrayNode timeline = JSON.createArrayNode();
        seconds.values().stream()
                .sorted((a, b) -> Long.compare(a.path("t").asLong(), b.path("t").asLong()))
                .forEach(timeline::add);
        return timeline;
    }

    private static ObjectNode second(long t) {
        return JSON.createObjectNode().put("t", t);
    }

    /** Writes report.json and report.html into the options' output folder; returns the JSON. */
    static JsonNode write(Demo.Options options, List<ObjectNode> runs) throws IOException {
        ObjectNode report = JSON.createObjectNode();
        report.put("generated_at", Instant.now().toString());
        ObjectNode scenario = report.putObject("scenario");
        scenario.put("users", options.users());
        scenario.put("messages_per_user", options.messages());
        scenario.put("think_time_ms", options.thinkTime().toMillis());
        ObjectNode simulator = report.putObject("simulator");
        simulator.put("deployments", options.simulator().deployments());
        simulator.put("rpm", options.simulator().rpm());
        simulator.put("tpm", options.simulator().tpm());
        simulator.put("burst_ms", SimulatorSettings.BURST.toMillis());
        simulator.put("first_token_ms", SimulatorSettings.FIRST_TOKEN.toMillis());
        simulator.put("per_token_ms", SimulatorSettings.PER_TOKEN.toMillis());
        Load load = options.load();
        report.put("offered_per_s", round2(load.offeredPerSecond()));
        report.put("provider_limit_per_s", round2(load.limitPerSecond()));
        report.put("fair_share_wait_ms", load.fairShareWait().toMillis());
        report.put("patience_s", options.patience().toSeconds());
        runs.stream().filter(run -> Profile.BASELINE.label().equals(run.path("profile").asText())).findFirst()
                .ifPresent(baseline -> report.put("provider_overloaded", baseline.path("upstream_429").asLong() > 0));
        report.putArray("runs").addAll(runs);

        Files.createDirectories(options.out());
        JSON.writerWithDefaultPrettyPrinter().writeValue(options.out().resolve("report.json").toFile(), report);
        Files.writeString(options.out().resolve("report.html"), html(report, runs));
        return report;
    }

    /** False when the baseline ran and the provider refused none of its requests: the scenario proved nothing. */
    static boolean overloaded(JsonNode report) {
        return report.path("provider_overloaded").asBoolean(true);
    }

    static void printTable(JsonNode report) {
        String format = "%-10s %9s %9s %7s %-22s %9s %9s %7s %9s %7s %7s %9s %9s %9s%n";
        System.out.println();
        System.out.printf(format, "profile", "messages", "succeeded", "failed", "failed by status", "upstream",
                "upstr 429", "ampl.", "msg/s", "limit", "busy", "p50 ms", "p99 ms", "time s");
        for (JsonNode run : report.path("runs")) {
            System.out.printf(format, run.path("profile").asText(), run.path("messages").asText(),
                    run.path("succeeded").asText(), run.path("failed").asText(), compact(run.path("failed_by_status")),
                    run.path("upstream_requests").asText(), run.path("upstream_429").asText(),
                    run.path("amplification").asText(), run.path("throughput_per_s").asText(),
                    percent(run.path("provider_limit_share").asDouble()),
                    percent(run.path("provider_busy_share").asDouble()),
                    run.path("latency_ms").path("p50").asText(), run.path("latency_ms").path("p99").asText(),
                    run.path("duration_s").asText());
        }
        System.out.printf(Locale.ROOT, "%noffered %.2f messages/s against a provider limit of %.2f/s; fair-share wait "
                + "%.1f s; patience %d s. 'limit' is the share of the provider's limit the answered messages used over the "
                + "run, 'busy' the share its admitted requests used from the first request that reached it to the last.%n%n",
                report.path("offered_per_s").asDouble(), report.path("provider_limit_per_s").asDouble(),
                report.path("fair_share_wait_ms").asLong() / 1000.0, report.path("patience_s").asLong());
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String compact(JsonNode counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(e -> parts.add(e.getKey() + ":" + e.getValue().asText()));
        return String.join(" ", parts);
    }

    private static String html(ObjectNode report, List<ObjectNode> runs) {
        Map<String, List<double[]>> failures = new LinkedHashMap<>();
        Map<String, List<double[]>> rateLimited = new LinkedHashMap<>();
        Map<String, List<double[]>> answeredWithin = new LinkedHashMap<>();
        Map<String, List<Double>> latency = new LinkedHashMap<>();
        Map<String, List<Double>> outcome = new LinkedHashMap<>();
        outcome.put("succeeded", new ArrayList<>());
        outcome.put("failed", new ArrayList<>());
        List<String> profiles = new ArrayList<>();
        for (ObjectNode run : runs) {
            String profile = run.path("profile").asText();
            profiles.add(profile);
            failures.put(profile, series(run, "failed"));
            rateLimited.put(profile, series(run, "upstream_429"));
            answeredWithin.put(profile, answeredShare(run));
            JsonNode l = run.path("latency_ms");
            latency.put(profile, List.of(l.path("p50").asDouble(), l.path("p95").asDouble(), l.path("p99").asDouble(),
                    l.path("max").asDouble()));
            outcome.get("succeeded").add(run.path("succeeded").asDouble());
            outcome.get("failed").add(run.path("failed").asDouble());
        }
        JsonNode scenario = report.path("scenario");
        JsonNode simulator = report.path("simulator");
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Surge load test</title>
                <style>
                body{font-family:sans-serif;margin:2em;color:#222;max-width:1400px}
                table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
                th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
                .charts{display:flex;flex-wrap:wrap;gap:1.5em}.bad{color:#c92a2a;font-weight:bold}.good{color:#2b8a3e;font-weight:bold}
                </style></head><body>
                <h1>Surge: baseline vs resilient</h1>
                """);
        if (!overloaded(report)) {
            html.append("<p class=\"bad\">The scenario did not overload the provider: it refused none of the "
                    + "baseline's requests, so the figures below show nothing about resilience.</p>");
        }
        html.append(String.format(Locale.ROOT,
                "<p>%d users, each sending %d messages one after another (think time %d ms, patience %d s per reply), "
                        + "against a provider limited to %d requests and %d tokens a minute, enforced per %d ms "
                        + "(time to first token %d ms, %d ms a token). Offered load %.2f messages/s against a limit "
                        + "of %.2f/s; fair-share wait %.1f s (users / limit - think time). Generated %s.</p>",
                scenario.path("users").asInt(), scenario.path("messages_per_user").asInt(),
                scenario.path("think_time_ms").asLong(), report.path("patience_s").asLong(),
                simulator.path("rpm").asInt(), simulator.path("tpm").asInt(), simulator.path("burst_ms").asLong(),
                simulator.path("first_token_ms").asLong(), simulator.path("per_token_ms").asLong(),
                report.path("offered_per_s").asDouble(), report.path("provider_limit_per_s").asDouble(),
                report.path("fair_share_wait_ms").asLong() / 1000.0, Svg.escape(report.path("generated_at").asText())));
        html.append("<table><tr><th>profile</th><th>messages</th><th>succeeded</th><th>failed</th><th>failed by status</th>"
                + "<th>upstream requests</th><th>upstream 429</th><th>amplification</th><th>messages/s</th>"
                + "<th>limit used</th>"
                + "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>duration s</th><th>Gatling</th></tr>");
        for (ObjectNode run : runs) {
            JsonNode l = run.path("latency_ms");
            long failed = run.path("failed").asLong();
            html.append("<tr><td>").append(Svg.escape(run.path("profile").asText())).append("</td>")
                    .append(cell(run.path("messages"))).append(cell(run.path("succeeded")))
                    .append("<td class=\"").append(failed == 0 ? "good" : "bad").append("\">").append(failed).append("</td>")
                    .append("<td>").append(Svg.escape(compact(run.path("failed_by_status")))).append("</td>")
                    .append(cell(run.path("upstream_requests"))).append(cell(run.path("upstream_429")))
                    .append(cell(run.path("amplification"))).append(cell(run.path("throughput_per_s")))
                    .append("<td>").append(percent(run.path("provider_limit_share").asDouble())).append("</td>")
                    .append(cell(l.path("p50"))).append(cell(l.path("p95"))).append(cell(l.path("p99")))
                    .append(cell(l.path("max"))).append(cell(run.path("duration_s")))
                    .append("<td>").append(run.has("gatling_report")
                            ? "<a href=\"" + Svg.escape(run.path("gatling_report").asText()) + "\">report</a>" : "-")
                    .append("</td></tr>");
        }
        html.append("</table><div class=\"charts\">");
        html.append(Svg.lines("Failed messages over time (cumulative)", "seconds since start", "failed messages", failures));
        html.append(Svg.lines("Upstream 429s over time (cumulative)", "seconds since start", "429 answers", rateLimited));
        Map<String, Double> marks = new LinkedHashMap<>();
        marks.put("fair share", report.path("fair_share_wait_ms").asDouble() / 1000);
        marks.put("patience", report.path("patience_s").asDouble());
        html.append(Svg.lines("Waiting time: messages answered within", "seconds waited", "% of messages",
                answeredWithin, marks, 100));
        html.append(Svg.bars("Message latency percentiles", "milliseconds", List.of("p50", "p95", "p99", "max"), latency,
                Svg.PALETTE));
        html.append(Svg.bars("Messages by outcome", "messages", profiles, outcome, Svg.GOOD_FIRST));
        html.append("</div><p>Latency is per message as the frontend saw it: from the POST to the reply "
                + "(or to the failure), repeated POSTs after a 202 included; the waiting-time chart counts the messages "
                + "answered within each wait, as a share of all messages. Amplification is upstream requests per "
                + "message; limit used is answered messages per second over the provider's limit.</p>"
                + "<p>Raw figures: <a href=\"report.json\">report.json</a>.</p></body></html>\n");
        return html.toString();
    }

    private static List<double[]> series(JsonNode run, String field) {
        List<double[]> points = new ArrayList<>();
        for (JsonNode second : run.path("timeline")) {
            if (second.has(field)) {
                points.add(new double[] {second.path("t").asDouble(), second.path(field).asDouble()});
            }
        }
        return points;
    }

    /** The waiting-time distribution: per second waited, the percentage of all messages answered within it. */
    private static List<double[]> answeredShare(JsonNode run) {
        double messages = Math.max(1, run.path("messages").asDouble());
        List<double[]> points = new ArrayList<>();
        for (JsonNode point : run.path("answered_within")) {
            points.add(new double[] {point.path("s").asDouble(), 100 * point.path("messages").asDouble() / messages});
        }
        return points;
    }

    private static String cell(JsonNode value) {
        return "<td>" + Svg.escape(value.asText()) + "</td>";
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
