package dev.surge.loadtest;

import java.time.Duration;

/**
 * The scenario's load against the provider, known before a run: what the users offer, what the
 * provider serves, and the wait each message must expect when the provider is the bottleneck.
 *
 * @param offeredPerSecond messages a second the users would send if every reply came at the provider's own
 *     latency: users / (think time + provider latency), each user having one message out at a time
 * @param limitPerSecond requests a second the provider admits (its request limit)
 * @param fairShareWait Little's law with the provider's limit as the goodput: users / limit - think time; what
 *     every message waits when the provider serves them in turn at its limit
 */
record Load(double offeredPerSecond, double limitPerSecond, Duration fairShareWait) {

    /**
     * Messages a second Surge's own stack (Temporal test server, agent-service, gateway, simulator and
     * Gatling sharing the machine) carried end to end on the 2-core machine the demo is sized for: 32 to
     * 40 were measured with a provider that never refused (issue 11). The low end, so that a slower
     * machine of that class still qualifies.
     */
    static final double STACK_CAPACITY_PER_S = 30;

    /**
     * How many times the provider's limit the load must be for the overload to be certain: at 3x, two
     * of every three messages exceed the limit, so a system without retries fails a visible share.
     */
    static final double OVERLOAD_FACTOR = 3;

    static Load of(int users, Duration thinkTime, SimulatorSettings provider) {
        double offered = offeredPerSecond(users, thinkTime);
        double limit = provider.limitPerSecond();
        long fairShareMillis = Math.max(0, Math.round(users / limit * 1000) - thinkTime.toMillis());
        return new Load(offered, limit, Duration.ofMillis(fairShareMillis));
    }

    /**
     * The provider's request limit that keeps the provider the bottleneck: a third of the load that can
     * reach it, which is what the users offer but never more than the stack carries. A limit near what
     * the stack carries would leave the stack, not the provider, the bottleneck, and nothing would be refused.
     */
    static int sizedRpm(int users, Duration thinkTime) {
        double reaching = Math.min(offeredPerSecond(users, thinkTime), STACK_CAPACITY_PER_S);
        return Math.max(1, (int) Math.floor(reaching / OVERLOAD_FACTOR * 60));
    }

    /** The load that can reach the provider over its limit: what the users offer, at most what the stack carries. */
    double overload() {
        return Math.min(offeredPerSecond, STACK_CAPACITY_PER_S) / limitPerSecond;
    }

    /** Whether the provider is certain to be the bottleneck on the machine class the demo is sized for. */
    boolean certain() {
        return overload() >= OVERLOAD_FACTOR;
    }

    private static double offeredPerSecond(int users, Duration thinkTime) {
        return users / (thinkTime.plus(SimulatorSettings.EXPECTED_LATENCY).toNanos() / 1e9);
    }
}
