package dev.surge.agent.rest;

import dev.surge.agent.GenerationParams;

/**
 * Body of {@code POST /tasks}; both fields are optional.
 *
 * @param agent  the agent to talk to; the default agent when absent
 * @param params generation overrides: {@code temperature}, {@code max_tokens}, {@code top_p}
 */
public record CreateTaskRequest(String agent, GenerationParams params) {
}
