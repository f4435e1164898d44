package dev.surge.loadtest;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The launcher's progress lines, time-stamped, on standard output. */
final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Console() {
    }

    static void info(String format, Object... args) {
        System.out.printf("[%s] %s%n", LocalTime.now().format(TIME), String.format(format, args));
        System.out.flush();
    }
}
