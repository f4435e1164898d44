package dev.surge.gateway;

/**
 * An error body in OpenAI's format: {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}, written
 * by {@link GatewayJson#error}.
 *
 * @param error what went wrong
 */
public record OpenAiError(Detail error) {

    /**
     * The error itself.
     *
     * @param message for a person
     * @param type OpenAI's error class, e.g. {@code invalid_request_error} or {@code rate_limit_error}
     * @param param the request field at fault, or null
     * @param code a machine-readable reason, e.g. {@code invalid_api_key}
     */
    public record Detail(String message, String type, String param, String code) {
    }

    /** An error with the given fields. */
    public static OpenAiError of(String message, String type, String param, String code) {
        return new OpenAiError(new Detail(message, type, param, code));
    }
}
