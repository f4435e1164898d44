package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

class BenchSseTest {

    private final BenchSse sse = new BenchSse();

    @Test
    void countsEventsEndedByABlankLine() {
        assertEquals(2, events("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: {\"c\""));
        assertEquals(1, events(":3}\n\n"));
    }

    @Test
    void countsAnEventWhoseBlankLineIsSplitAcrossPieces() {
        assertEquals(0, events("data: [DONE]\n"));
        assertEquals(1, events("\n"));
    }

    @Test
    void acceptsCarriageReturnLineFeeds() {
        assertEquals(2, events("event: x\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n"));
    }

    @Test
    void aLineBreakInsideAnEventIsNotAnEnd() {
        assertEquals(0, events("event: x\ndata: 1\n"));
        sse.reset();
        assertEquals(0, events("\ndata: 2"), "a new stream does not carry the line end of the last one");
    }

    private int events(String piece) {
        return sse.events(Unpooled.wrappedBuffer(piece.getBytes(UTF_8)));
    }
}
