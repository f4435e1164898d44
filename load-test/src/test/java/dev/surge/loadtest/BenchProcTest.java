package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class BenchProcTest {

    @Test
    void addsUserAndSystemTimeOfAStatLine() {
        String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 42 0 100 0 0";

        assertEquals(1234 + 567, BenchProc.cpuTicks(stat));
    }

    @Test
    void countsFieldsFromTheLastParenthesisWhenTheCommandHoldsSpacesAndParentheses() {
        String stat = "77 (my (odd) cmd) R 1 77 77 0 -1 0 0 0 0 0 300 25 9 9 20 0 1 0 100 0 0";

        assertEquals(325, BenchProc.cpuTicks(stat));
    }

    @Test
    void readsKibibytesOfAStatusKey() {
        String status = "Name:\tjava\nVmHWM:\t  351234 kB\nVmRSS:\t  271000 kB\nThreads:\t42\n";

        assertEquals(271000, BenchProc.statusKib(status, "VmRSS"));
        assertEquals(351234, BenchProc.statusKib(status, "VmHWM"));
        assertEquals(-1, BenchProc.statusKib(status, "VmSwap"));
    }

    @Test
    void countsIdleAndIowaitAsNotBusy() {
        BenchProc.MachineTicks ticks = BenchProc.machineTicks("cpu  100 5 50 800 40 3 2 0 7 0");

        assertEquals(100 + 5 + 50 + 3 + 2, ticks.busy());
        assertEquals(100 + 5 + 50 + 800 + 40 + 3 + 2, ticks.total());
        assertThrows(IllegalArgumentException.class, () -> BenchProc.machineTicks("cpu0 1 2 3 4 5 6 7 8"));
    }

    @Test
    void turnsTickDeltasIntoCpuSecondsAndTheLoadOfEverythingElse() {
        long tick = BenchProc.TICKS_PER_SECOND;
        BenchProc.Snapshot before = new BenchProc.Snapshot(0, Map.of("gateway", 10 * tick, "generator", 0L),
                new BenchProc.MachineTicks(100 * tick, 1000 * tick));
        // Over 2 s: the gateway spent 1.5 s of CPU, the generator 0.25 s, the machine 3 s in all.
        BenchProc.Snapshot after = new BenchProc.Snapshot(2_000_000_000L,
                Map.of("gateway", 10 * tick + 3 * tick / 2, "generator", tick / 4),
                new BenchProc.MachineTicks(103 * tick, 1004 * tick));

        BenchProc.Usage usage = after.since(before);

        assertEquals(2.0, usage.seconds(), 1e-9);
        assertEquals(1.5, usage.cpuSeconds().get("gateway"), 1e-9);
        assertEquals(0.25, usage.cpuSeconds().get("generator"), 1e-9);
        assertEquals((3 - 1.5 - 0.25) / 2, usage.otherCores(), 1e-9);
    }
}
