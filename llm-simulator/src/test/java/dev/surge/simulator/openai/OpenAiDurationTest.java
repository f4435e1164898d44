package dev.surge.simulator.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiDurationTest {

    @ParameterizedTest
    @CsvSource({ "0, 0s", "1, 1ms", "20, 20ms", "999, 999ms", "1000, 1s", "1200, 1.2s", "8640, 8.64s",
            "60000, 1m0s", "360000, 6m0s", "75500, 1m15.5s", "3600000, 1h0m0s" })
    void formatsLikeOpenAiRateLimitHeaders(long millis, String expected) {
        assertEquals(expected, OpenAiDuration.format(TimeUnit.MILLISECONDS.toNanos(millis)));
    }

    @ParameterizedTest
    @CsvSource({ "1, 1ms", "1000001, 2ms" })
    void roundsUpSoThatWaitingThatLongIsEnough(long nanos, String expected) {
        assertEquals(expected, OpenAiDuration.format(nanos));
    }
}
