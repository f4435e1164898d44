package dev.surge.agent.rest;

import dev.surge.agent.service.ConversationException;

/**
 * Numeric query parameters read as text: JAX-RS answers 404 to a parameter it cannot convert, which would tell a
 * caller that a task it owns does not exist; a wrong value is the caller's mistake, a 400.
 */
final class QueryParams {

    private QueryParams() {
    }

    /** The whole number in {@code value}, null when absent; 400 when it is not one. */
    static Long wholeNumber(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConversationException(ConversationException.Reason.INVALID_REQUEST,
                    name + " must be a whole number");
        }
    }
}
