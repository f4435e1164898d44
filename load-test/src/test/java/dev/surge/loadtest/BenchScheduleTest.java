package dev.surge.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BenchScheduleTest {

    @Test
    void spacesRequestsEvenlyFromTheStart() {
        BenchSchedule schedule = new BenchSchedule(5_000, 1_000);

        assertEquals(5_000, schedule.intendedNanos(0));
        assertEquals(5_000 + 1_000_000, schedule.intendedNanos(1));
        assertEquals(5_000 + 1_000_000_000, schedule.intendedNanos(1_000));
    }

    @Test
    void countsWhatIsDueWhateverWasSent() {
        BenchSchedule schedule = new BenchSchedule(5_000, 1_000);

        assertEquals(0, schedule.dueBy(4_999));
        assertEquals(1, schedule.dueBy(5_000));
        assertEquals(1, schedule.dueBy(5_000 + 999_999));
        assertEquals(2, schedule.dueBy(5_000 + 1_000_000));
        // A generator that woke up a second late owes a second of requests at once.
        assertEquals(1_001, schedule.dueBy(5_000 + 1_000_000_000));
    }

    @Test
    void dueCountAndIntendedTimesAgreeForRatesThatDoNotDivideASecond() {
        for (long rate : new long[] {3, 7, 999, 1_001, 30_000}) {
            BenchSchedule schedule = new BenchSchedule(123, rate);
            for (long k = 0; k < 2_000; k++) {
                long intended = schedule.intendedNanos(k);
                assertEquals(k + 1, schedule.dueBy(intended), "rate " + rate + ", request " + k);
                assertEquals(k, schedule.dueBy(intended - 1), "rate " + rate + ", request " + k);
            }
        }
    }

    @Test
    void refusesARateBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new BenchSchedule(0, 0));
    }
}
