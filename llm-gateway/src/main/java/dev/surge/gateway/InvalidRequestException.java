package dev.surge.gateway;

/** A request the gateway refuses before anything is sent upstream; it becomes a 400 in OpenAI's format. */
public class InvalidRequestException extends RuntimeException {

    private final String param;

    /** A refusal with the request field at fault, or null. */
    public InvalidRequestException(String message, String param) {
        super(message);
        this.param = param;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }
}
