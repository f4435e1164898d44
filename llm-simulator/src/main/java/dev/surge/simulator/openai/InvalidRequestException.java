package dev.surge.simulator.openai;

/** A request OpenAI would refuse with 400; carries the body to answer with. */
public class InvalidRequestException extends RuntimeException {

    private final transient ApiError error;

    InvalidRequestException(String message, String param, String code) {
        super(message, null, false, false);
        this.error = ApiError.invalidRequest(message, param, code);
    }

    public ApiError error() {
        return error;
    }
}
