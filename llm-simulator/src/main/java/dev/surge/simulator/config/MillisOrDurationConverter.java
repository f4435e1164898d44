package dev.surge.simulator.config;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Reads a latency setting as milliseconds when it is a bare number ({@code 200}) and as a Quarkus
 * duration otherwise ({@code 200ms}, {@code 1s}, {@code PT0.5S}).
 *
 * <p>Quarkus reads a bare number as seconds, which turns {@code SURGE_SIMULATOR_LATENCY_FIRST_TOKEN=200}
 * into a 200 s wait; for latencies milliseconds are what people mean.
 */
@RegisterForReflection
public class MillisOrDurationConverter implements Converter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses {@code value} with the rules above; rejects negative durations. */
    public static Duration parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        Duration duration = trimmed.chars().allMatch(Character::isDigit)
                ? Duration.ofMillis(Long.parseLong(trimmed))
                : DurationConverter.parseDuration(trimmed);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + value);
        }
        return duration;
    }
}
