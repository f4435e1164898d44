package dev.surge.simulator.openai;

import dev.surge.simulator.service.RateLimiter;

/**
 * Durations as OpenAI writes them in {@code x-ratelimit-reset-*} headers and 429 messages: Go's
 * {@code time.Duration} format at millisecond precision ({@code 20ms}, {@code 1.2s}, {@code 6m0s}).
 */
public final class OpenAiDuration {

    private OpenAiDuration() {
    }

    /** Formats {@code nanos}, rounded up to whole milliseconds. */
    public static String format(long nanos) {
        long millis = RateLimiter.ceilMillis(Math.max(0, nanos));
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder();
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(seconds);
        if (fraction > 0) {
            String digits = String.format("%03d", fraction);
            text.append('.').append(digits.replaceAll("0+$", ""));
        }
        return text.append('s').toString();
    }
}
