package dev.surge.gateway.service;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Passes a successful upstream answer to the caller as it arrives, with write-queue back-pressure. The caller's
 * status and headers are set only with the first byte (so that a failure before it may still be retried
 * elsewhere); a failure after it breaks the answer off. Keeps the last two chunks (references, not copies), to
 * read the answer's {@code usage} without parsing the body.
 *
 * <p>A completion that is not streamed and whose length the upstream announced ({@code Content-Length}) is passed
 * on with that length rather than chunked, and ended by its last bytes: one that arrives in one piece
 * reaches the caller in one write with its headers, instead of a second write for the chunked terminator.
 */
final class Relay {

    private static final String PROMPT_TOKENS = "\"prompt_tokens\":";

    /** What the call hears from its relay. */
    interface Listener {

        /** The first byte is about to reach the caller: set the status and headers (the relay sets the framing). */
        void committing(HttpClientResponse upstream);

        /** The answer ended normally, all of it relayed. */
        void relayed(long promptTokens);

        /** The answer failed before its first byte reached the caller: the attempt may still be retried. */
        void failedBeforeFirstByte(Throwable cause);

        /** The answer failed after the caller got bytes. */
        void brokeOff(Throwable cause);
    }

    private final UpstreamAttempt attempt;
    private final HttpServerResponse response;
    private final Listener listener;
    /** {@code usage} comes last in a completion and in a stream's final chunk: in the last chunk, or across two. */
    private Buffer previous;
    private Buffer last;
    private boolean committed;
    /** Bytes of a length-announced answer still to come; -1 for a chunked one. */
    private long remaining = -1;

    Relay(UpstreamAttempt attempt, HttpServerResponse response, Listener listener) {
        this.attempt = attempt;
        this.response = response;
        this.listener = listener;
    }

    void start(HttpClientResponse upstream) {
        // A stream stays chunked whatever the upstream announced: breaking one off ends it with an error event.
        remaining = attempt.streamed() ? -1 : announcedLength(upstream);
        upstream.handler(chunk -> {
            if (!attempt.live()) {
                return;
            }
            commit(upstream);
            previous = last;
            last = chunk;
            if (remaining >= 0 && chunk.length() >= remaining) {
                // The whole answer is here: end the caller's response with it, and the attempt, without waiting
                // for the upstream's end (which the attempt, no longer live, then ignores).
                remaining = 0;
                finish(chunk);
                return;
            }
            if (remaining > 0) {
                remaining -= chunk.length();
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                upstream.pause();
                response.drainHandler(v -> upstream.resume());
            }
        });
        upstream.exceptionHandler(error -> {
            if (!attempt.live()) {
                return;
            }
            attempt.end();
            if (committed) {
                listener.brokeOff(error);
            } else {
                listener.failedBeforeFirstByte(error);
            }
        });
        upstream.endHandler(v -> {
            if (!attempt.live()) {
                return;
            }
            commit(upstream);
            finish(null);
        });
    }

    /** The answer is all relayed: ends the attempt and the caller's response, with {@code lastBytes} if any. */
    private void finish(Buffer lastBytes) {
        attempt.end();
        if (lastBytes == null) {
            response.end();
        } else {
            response.end(lastBytes);
        }
        listener.relayed(promptTokens());
    }

    private void commit(HttpClientResponse upstream) {
        if (!committed) {
            committed = true;
            listener.committing(upstream);
            if (remaining >= 0) {
                response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(remaining));
            } else {
                response.setChunked(true);
            }
        }
    }

    /** The upstream's {@code Content-Length}, or -1 when it sent none (or also a transfer coding, or nonsense). */
    private static long announcedLength(HttpClientResponse upstream) {
        String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || upstream.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(length.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The {@code usage.prompt_tokens} of the answer, or 0 if its last chunks do not say. */
    private long promptTokens() {
        if (last == null) {
            return 0;
        }
        String text = (previous == null ? "" : previous.toString(StandardCharsets.UTF_8))
                + last.toString(StandardCharsets.UTF_8);
        int at = text.lastIndexOf(PROMPT_TOKENS);
        if (at < 0) {
            return 0;
        }
        long tokens = 0;
        for (int i = at + PROMPT_TOKENS.length(); i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            tokens = tokens * 10 + (text.charAt(i) - '0');
        }
        return tokens;
    }
}
