package dev.surge.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Counts server-sent events as the bytes of a stream arrive, however the stream was cut into pieces: an event
 * ends at a blank line ({@code \n\n}, or {@code \r\n\r\n}). One per connection, reused from stream to stream.
 */
final class BenchSse implements ByteProcessor {

    private boolean lineJustEnded;
    private int completed;

    /** Starts a new stream. */
    void reset() {
        lineJustEnded = false;
    }

    /** The number of events that {@code piece} completes. */
    int events(ByteBuf piece) {
        completed = 0;
        piece.forEachByte(this);
        return completed;
    }

    @Override
    public boolean process(byte value) {
        if (value == '\n') {
            if (lineJustEnded) {
                completed++;
                lineJustEnded = false;
            } else {
                lineJustEnded = true;
            }
        } else if (value != '\r') {
            lineJustEnded = false;
        }
        return true;
    }
}
