package dev.surge.gateway.deployment;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where calls to one model may go: its own deployments (group 0), then each fallback model's deployments in
 * order (groups 1, 2, ...), and the routing rule that picks one per attempt.
 *
 * @param model the model callers named
 * @param targets every deployment that may serve it, by group
 */
public record ModelRoute(String model, List<Target> targets) {

    /**
     * A deployment as one group of a route sees it.
     *
     * @param deployment where the attempt goes
     * @param upstreamModel the model name it is sent
     * @param group 0 for the model's own deployments, then 1, 2, ... per fallback model
     */
    public record Target(Deployment deployment, String upstreamModel, int group) {
    }

    /** What a call has seen of the deployments so far. */
    public interface Attempts {

        /** Tokens the call is charged on {@code deployment}'s pacer. */
        long pacingCost(Deployment deployment);

        /** Tokens the call needs under a deployment's per-minute limit: its estimate, or what a provider said. */
        long tokensNeeded();

        /** Whether {@code deployment} already failed this call for capacity. */
        boolean failed(Deployment deployment);

        /** Whether {@code deployment} refused this call as larger than it ever admits. */
        boolean tooLarge(Deployment deployment);

        /** Whether {@code deployment}'s breaker refused this call's attempt: not to be asked again. */
        boolean refused(Deployment deployment);
    }

    /**
     * Picks the deployment for a call's next attempt.
     *
     * <ol>
     * <li>Deployments whose known token limit is below what the call needs are out; if that is all of them, the
     * call can never be served.</li>
     * <li>Deployments whose breaker is open (or whose half-open probe is out) are out; if no other is left, every
     * one is cooling.</li>
     * <li>Among the rest, the first of: the model's own deployments this call has not failed on, the fallback
     * models' ones in order, then those it failed on (model first); each time only deployments not paused by a
     * 429's delay. Failing all of those, the one whose pause ends first.</li>
     * <li>Within that group: the shortest predicted wait (pause, refill of requests and tokens for the attempts
     * queued ahead), to the millisecond; then the fewest attempts in flight per unit of weight; then the lowest
     * recent latency; then the name.</li>
     * </ol>
     */
    public Choice choose(Attempts call) {
        long needed = call.tokensNeeded();
        long largestLimit = 0;
        boolean anyFits = false;
        long coolingNanos = Long.MAX_VALUE;
        Candidate best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Target target : targets) {
            Deployment deployment = target.deployment();
            largestLimit = Math.max(largestLimit, deployment.pacer().tokenLimit());
            if (deployment.neverFits(needed) || call.tooLarge(deployment)) {
                continue;
            }
            anyFits = true;
            if (call.refused(deployment) || !deployment.breaker().admits()) {
                coolingNanos = Math.min(coolingNanos, deployment.breaker().returnsInNanos());
                continue;
            }
            boolean paused = deployment.pacer().pausedForNanos() > 0;
            // Ranks: untried, by group; then tried, by group; then paused, all as one.
            int rank = paused ? 2 * groups() : call.failed(deployment) ? groups() + target.group() : target.group();
            if (rank > bestRank) {
                continue;
            }
            Candidate candidate = new Candidate(target,
                    deployment.pacer().predictedWaitNanos(call.pacingCost(deployment)));
            if (rank < bestRank || candidate.betterThan(best)) {
                best = candidate;
                bestRank = rank;
            }
        }
        if (!anyFits) {
            return Choice.neverFits(largestLimit);
        }
        if (best == null) {
            return Choice.cooling(coolingNanos);
        }
        return Choice.go(best.target(), best.waitNanos());
    }

    private int groups() {
        return targets.isEmpty() ? 1 : targets.get(targets.size() - 1).group() + 1;
    }

    /** The three things a router can decide. */
    public enum Kind {
        /** Send the attempt to the target. */
        GO,
        /** Every deployment that could take the call is cooling down. */
        COOLING,
        /** No deployment can ever take the call: it needs more tokens than any of them admits. */
        NEVER_FITS
    }

    /**
     * What the router decided.
     *
     * @param kind what to do
     * @param target where the next attempt goes, for {@link Kind#GO}
     * @param waitNanos for {@link Kind#GO}, how long the attempt is predicted to wait for its turn there; for
     *        {@link Kind#COOLING}, how long until the first deployment takes attempts again
     * @param largestTokenLimit for {@link Kind#NEVER_FITS}, the largest known token limit among the deployments
     */
    public record Choice(Kind kind, Target target, long waitNanos, long largestTokenLimit) {

        static Choice go(Target target, long waitNanos) {
            return new Choice(Kind.GO, target, waitNanos, 0);
        }

        static Choice cooling(long returnsInNanos) {
            return new Choice(Kind.COOLING, null, returnsInNanos, 0);
        }

        static Choice neverFits(long largestTokenLimit) {
            return new Choice(Kind.NEVER_FITS, null, 0, largestTokenLimit);
        }
    }

    private record Candidate(Target target, long waitNanos) {

        boolean betterThan(Candidate other) {
            long wait = TimeUnit.NANOSECONDS.toMillis(waitNanos);
            long otherWait = TimeUnit.NANOSECONDS.toMillis(other.waitNanos);
            if (wait != otherWait) {
                return wait < otherWait;
            }
            Deployment mine = target.deployment();
            Deployment theirs = other.target.deployment();
            int load = Double.compare((mine.inFlight() + 1.0) / mine.weight(),
                    (theirs.inFlight() + 1.0) / theirs.weight());
            if (load != 0) {
                return load < 0;
            }
            int latency = Double.compare(mine.latencyNanos(), theirs.latencyNanos());
            return latency != 0 ? latency < 0 : mine.name().compareTo(theirs.name()) < 0;
        }
    }
}
