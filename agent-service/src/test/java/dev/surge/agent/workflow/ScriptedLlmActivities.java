package dev.surge.agent.workflow;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * An {@link LlmActivities} fake that plays a script (one step per attempt, the last repeats) and records
 * when each attempt started on the test clock. It is handed to the worker as a dynamic proxy: a test
 * class implementing the interface would be found by quarkus-temporal's scan as a second implementor.
 */
class ScriptedLlmActivities implements InvocationHandler {

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

    /** The fake as an activity implementation. */
    LlmActivities asActivities() {
        return (LlmActivities) Proxy.newProxyInstance(LlmActivities.class.getClassLoader(),
                new Class<?>[] { LlmActivities.class }, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("toString") ? "ScriptedLlmActivities"
                    : method.getName().equals("hashCode") ? System.identityHashCode(this) : proxy == args[0];
        }
        return complete((CompletionRequest) args[0]);
    }

    private synchronized String complete(CompletionRequest request) {
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
