package dev.surge.simulator.openai;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * OpenAI's error body: {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}.
 *
 * @param error the error
 */
@RegisterForReflection
public record ApiError(Detail error) {

    /**
     * @param message human-readable text
     * @param type {@code invalid_request_error}, {@code requests}, {@code tokens}, {@code server_error}, ...
     * @param param the offending request parameter, or null
     * @param code a machine-readable code, or null
     */
    @RegisterForReflection
    public record Detail(String message, String type, String param, String code) {
    }

    /** A 400 {@code invalid_request_error}. */
    public static ApiError invalidRequest(String message, String param, String code) {
        return new ApiError(new Detail(message, "invalid_request_error", param, code));
    }

    /** A 401, as OpenAI answers a missing or wrong key. */
    public static ApiError unauthorized(String message) {
        return new ApiError(new Detail(message, "invalid_request_error", null, "invalid_api_key"));
    }

    /** A 429 over a rate limit; {@code type} is {@code requests} or {@code tokens}. */
    public static ApiError rateLimited(String message, String type) {
        return new ApiError(new Detail(message, type, null, "rate_limit_exceeded"));
    }

    /** A 429 for an account without credit. */
    public static ApiError insufficientQuota() {
        return new ApiError(new Detail("You exceeded your current quota, please check your plan and billing details. "
                + "For more information on this error, read the docs: "
                + "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                "insufficient_quota", null, "insufficient_quota"));
    }

    /** A 5xx as OpenAI words it. */
    public static ApiError serverError(int status) {
        String message = switch (status) {
            case 502 -> "Bad gateway.";
            case 503 -> "The server is overloaded or not ready yet.";
            default -> "The server had an error while processing your request. Sorry about that!";
        };
        return new ApiError(new Detail(message, "server_error", null, null));
    }
}
