package dev.surge.agent.workflow;

/**
 * The upstream calls one message may cost, across the gateway's retries and Temporal's attempts, and what
 * earlier attempts spent of it. Each attempt gives the gateway what is left as {@code num_retries}, so a
 * message costs at most {@code total} upstream calls whatever fails.
 *
 * @param total the budget ({@code surge.llm.upstream-call-budget})
 * @param spent upstream calls made by earlier attempts
 */
record LlmCallBudget(int total, int spent) {

    /** Calls this attempt may still make; 0 or less when the budget is spent. */
    int left() {
        return total - spent;
    }

    /** The gateway's {@code num_retries} for this attempt: every call left but the first. */
    int numRetries() {
        return Math.max(0, left() - 1);
    }
}
