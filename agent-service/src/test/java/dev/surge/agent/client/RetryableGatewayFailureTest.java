package dev.surge.agent.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

/** Which gateway failures the REST client owns, and how it reads Retry-After. */
class RetryableGatewayFailureTest {

    private final RetryableGatewayFailure retryable = new RetryableGatewayFailure();

    @Test
    void retriesAnUnreachableGateway() {
        assertTrue(retryable.test(new ProcessingException(new ConnectException("Connection refused"))));
    }

    @Test
    void retriesAnswersMarkedShouldRetry() {
        assertTrue(retryable.test(new GatewayException(429, true, 1, "gateway_overloaded", "busy", -1)));
    }

    @Test
    void leavesAnswersMarkedNotRetryableAndOtherFailuresAlone() {
        assertFalse(retryable.test(new GatewayException(429, false, 3, "rate_limit_exceeded", "slow down", -1)));
        assertFalse(retryable.test(new GatewayException(503, false, 0, null, null, -1)));
        assertFalse(retryable.test(new GatewayException(400, false, 0, "invalid_request", null, -1)));
        assertFalse(retryable.test(new ProcessingException(new SocketTimeoutException("read timed out"))));
    }

    @Test
    void classifiesOnlyPermanentStatusesAsClientErrors() {
        assertTrue(new GatewayException(400, false, 0, null, null, -1).isClientError());
        assertTrue(new GatewayException(401, false, 0, null, null, -1).isClientError());
        assertFalse(new GatewayException(408, false, 0, null, null, -1).isClientError());
        assertFalse(new GatewayException(409, false, 0, null, null, -1).isClientError());
        assertFalse(new GatewayException(429, false, 0, null, null, -1).isClientError());
        assertFalse(new GatewayException(503, false, 0, null, null, -1).isClientError());
    }

    @Test
    void readsRetryAfterAsSecondsOrAsAnHttpDate() {
        assertEquals(3, LlmGatewayRestClient.retryAfterSeconds("3"));
        assertEquals(2, LlmGatewayRestClient.retryAfterSeconds("1.2"));
        assertEquals(0, LlmGatewayRestClient.retryAfterSeconds(null));
        assertEquals(0, LlmGatewayRestClient.retryAfterSeconds("soon"));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(61));
        long seconds = LlmGatewayRestClient.retryAfterSeconds(inAMinute);
        assertTrue(seconds >= 55 && seconds <= 61, "was " + seconds);
    }
}
