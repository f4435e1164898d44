package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of processes as Linux's {@code /proc} reports them: {@code utime + stime} of
 * {@code /proc/<pid>/stat} for CPU, {@code VmRSS} / {@code VmHWM} of {@code /proc/<pid>/status} for memory,
 * and the first line of {@code /proc/stat} for how busy the whole machine was (so that a reader sees the
 * load of everything else sharing the cores).
 */
final class BenchProc {

    /** Clock ticks per second, the unit of the CPU fields of {@code /proc}. */
    static final long TICKS_PER_SECOND = clockTicks();

    private BenchProc() {
    }

    /**
     * {@code utime + stime} in clock ticks from one {@code /proc/<pid>/stat} line. The second field is the
     * command name in parentheses and may itself hold spaces and parentheses, so fields are counted from the
     * last closing parenthesis: the one after it is field 3 (state), utime is field 14, stime field 15.
     */
    static long cpuTicks(String statLine) {
        int end = statLine.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statLine);
        }
        String[] fields = statLine.substring(end + 1).strip().split(" +");
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    /** A {@code kB} line of {@code /proc/<pid>/status} (such as {@code VmRSS}) in kibibytes, or -1 when absent. */
    static long statusKib(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).strip().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /**
     * Busy and total clock ticks of all CPUs from the first line of {@code /proc/stat}
     * ({@code cpu user nice system idle iowait irq softirq steal ...}); idle and iowait are not busy.
     */
    static MachineTicks machineTicks(String procStatFirstLine) {
        String[] fields = procStatFirstLine.strip().split(" +");
        if (!fields[0].equals("cpu")) {
            throw new IllegalArgumentException("not the first line of /proc/stat: " + procStatFirstLine);
        }
        long total = 0;
        // Fields 1..8: user nice system idle iowait irq softirq steal. guest and guest_nice are already in user.
        for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new MachineTicks(total - idle, total);
    }

    /** Busy and total clock ticks of the machine, summed over its CPUs. */
    record MachineTicks(long busy, long total) {
    }

    /** Resident memory of {@code pid} now and at its peak, in mebibytes. */
    static Memory memory(long pid) throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), UTF_8);
        return new Memory(statusKib(status, "VmRSS") / 1024.0, statusKib(status, "VmHWM") / 1024.0);
    }

    /**
     * Resident memory.
     *
     * @param rssMb resident set now
     * @param peakRssMb its high-water mark
     */
    record Memory(double rssMb, double peakRssMb) {
    }

    /** The CPU ticks of each named process and of the whole machine at one instant. */
    static Snapshot snapshot(Map<String, Long> pids) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Map.Entry<String, Long> process : pids.entrySet()) {
            ticks.put(process.getKey(), cpuTicks(Files.readString(Path.of("/proc", process.getValue().toString(), "stat"),
                    UTF_8)));
        }
        String machine = Files.readAllLines(Path.of("/proc/stat"), UTF_8).get(0);
        return new Snapshot(System.nanoTime(), ticks, machineTicks(machine));
    }

    /**
     * CPU ticks at one instant.
     *
     * @param nanos when it was taken ({@link System#nanoTime()})
     * @param ticks CPU ticks of each named process
     * @param machine the machine's ticks
     */
    record Snapshot(long nanos, Map<String, Long> ticks, MachineTicks machine) {

        /** What each process and the machine spent between {@code before} and this snapshot. */
        Usage since(Snapshot before) {
            double seconds = (nanos - before.nanos) / 1e9;
            Map<String, Double> cpuSeconds = new LinkedHashMap<>();
            double ours = 0;
            for (Map.Entry<String, Long> process : ticks.entrySet()) {
                double spent = (double) (process.getValue() - before.ticks.getOrDefault(process.getKey(),
                        process.getValue())) / TICKS_PER_SECOND;
                cpuSeconds.put(process.getKey(), spent);
                ours += spent;
            }
            double machineBusy = (double) (machine.busy() - before.machine.busy()) / TICKS_PER_SECOND;
            return new Usage(seconds, cpuSeconds, Math.max(0, machineBusy - ours) / seconds);
        }
    }

    /**
     * CPU spent over a window.
     *
     * @param seconds the window's wall-clock length
     * @param cpuSeconds CPU seconds of each named process
     * @param otherCores cores kept busy by everything else on the machine, on average
     */
    record Usage(double seconds, Map<String, Double> cpuSeconds, double otherCores) {
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), UTF_8).strip();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through to the Linux default.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // USER_HZ is 100 on every mainstream Linux architecture.
        return 100;
    }
}
