package dev.surge.loadtest;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The scenario's parameters, passed from the launcher to the forked Gatling JVM as system properties
 * ({@code surge.load.*}). One record so the launcher and the simulation cannot disagree on a name.
 *
 * @param baseUrl agent-service's base URL
 * @param users concurrent users; each owns one task (conversation)
 * @param messagesPerUser messages each user sends, one after another
 * @param thinkTime the pause between a reply and the user's next message
 * @param rampUp the time over which users arrive
 * @param replyWait how long one POST may wait for its reply before agent-service answers 202
 * @param patience how long a user waits for one reply (re-sending its POST after each 202); a reply that
 *     comes later counts as failed ({@code no_answer}), as a frontend gives up on it
 * @param outcomes the file the simulation writes its per-message outcomes to
 */
public record ScenarioSettings(String baseUrl, int users, int messagesPerUser, Duration thinkTime,
        Duration rampUp, Duration replyWait, Duration patience, Path outcomes) {

    static final String PREFIX = "surge.load.";

    /** How long a frontend waits for one reply by default: two minutes, past which its user has given up. */
    static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(120);

    /** The system properties that carry these settings to a forked JVM. */
    public String[] asSystemProperties() {
        return new String[] {
                "-D" + PREFIX + "base-url=" + baseUrl,
                "-D" + PREFIX + "users=" + users,
                "-D" + PREFIX + "messages=" + messagesPerUser,
                "-D" + PREFIX + "think-time-ms=" + thinkTime.toMillis(),
                "-D" + PREFIX + "ramp-up-ms=" + rampUp.toMillis(),
                "-D" + PREFIX + "reply-wait-ms=" + replyWait.toMillis(),
                "-D" + PREFIX + "patience-ms=" + patience.toMillis(),
                "-D" + PREFIX + "outcomes=" + outcomes.toAbsolutePath(),
        };
    }

    /** Reads the settings written by {@link #asSystemProperties()}. */
    public static ScenarioSettings fromSystemProperties() {
        return new ScenarioSettings(
                System.getProperty(PREFIX + "base-url", "http://localhost:8080"),
                Integer.getInteger(PREFIX + "users", 20),
                Integer.getInteger(PREFIX + "messages", 3),
                Duration.ofMillis(Long.getLong(PREFIX + "think-time-ms", 1000)),
                Duration.ofMillis(Long.getLong(PREFIX + "ramp-up-ms", 5000)),
                Duration.ofMillis(Long.getLong(PREFIX + "reply-wait-ms", 30_000)),
                Duration.ofMillis(Long.getLong(PREFIX + "patience-ms", DEFAULT_PATIENCE.toMillis())),
                Path.of(System.getProperty(PREFIX + "outcomes", "target/outcomes.json")));
    }
}
