package dev.surge.agent.client;

import java.net.ConnectException;
import java.util.function.Predicate;

/**
 * The failures the REST client retries, because it owns them: the gateway unreachable (connect
 * refused: nothing was sent), and gateway answers marked {@code x-should-retry: true} (the gateway shed
 * the request before it reached the provider). Everything else is left to the gateway (upstream
 * errors, already retried there) or to Temporal (the activity as a whole).
 */
public final class RetryableGatewayFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        if (failure instanceof GatewayException gateway) {
            return gateway.shouldRetry();
        }
        return isGatewayUnreachable(failure);
    }

    /** Whether the failure, or one of its causes, is a refused connection. */
    public static boolean isGatewayUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
