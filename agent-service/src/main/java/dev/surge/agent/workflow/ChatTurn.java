package dev.surge.agent.workflow;

/**
 * One message of the context sent to the model.
 *
 * @param role    {@code user} or {@code assistant}
 * @param content the text
 */
public record ChatTurn(String role, String content) {
}
