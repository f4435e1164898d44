package dev.surge.agent.workflow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * An {@link LlmActivities} fake that plays a script (one step per attempt, the last repeats) and records
 * when each attempt started on the test clock.
 */
class ScriptedLlmActivities implements LlmActivities {

    private final Deque<Function<CompletionRequest, String>> script = new ArrayDeque<>();
    private final List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    private final List<CompletionRequest> requests = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;

    ScriptedLlmActivities(LongSupplier clock) {
        this.clock = clock;
    }

    /** Adds a step: answer, or throw. */
    ScriptedLlmActivities then(Function<CompletionRequest, String> step) {
        script.add(step);
        return this;
    }

    @Override
    public synchronized String complete(CompletionRequest request) {
        attemptTimes.add(clock.getAsLong());
        requests.add(request);
        Function<CompletionRequest, String> step = script.size() > 1 ? script.poll() : script.peek();
        return step.apply(request);
    }

    List<Long> attemptTimes() {
        return attemptTimes;
    }

    List<CompletionRequest> requests() {
        return requests;
    }
}
