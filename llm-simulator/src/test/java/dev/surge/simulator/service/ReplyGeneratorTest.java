package dev.surge.simulator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.surge.simulator.service.ReplyGenerator.Reply;

class ReplyGeneratorTest {

    private final ReplyGenerator generator = new ReplyGenerator();

    @Test
    void theSameMessageAlwaysGetsTheSameReply() {
        assertEquals(generator.reply("How do retries work?", 256), generator.reply("How do retries work?", 256));
        assertTrue(generator.reply("How do retries work?", 256).text().startsWith("Simulated reply to \"How do retries work?\":"));
    }

    @Test
    void repliesNeverExceedTheMaximumAndSayWhenItCutThem() {
        for (String message : List.of("", "hi", "a much longer question about rate limits and backoff and queues")) {
            for (int maxTokens = 1; maxTokens <= 80; maxTokens++) {
                Reply reply = generator.reply(message, maxTokens);
                assertTrue(reply.completionTokens() <= maxTokens, reply + " for max " + maxTokens);
                assertEquals(ReplyGenerator.tokens(reply.text().length()), reply.completionTokens());
                assertEquals(reply.text(), String.join("", reply.pieces()));
                if ("stop".equals(reply.finishReason())) {
                    assertTrue(reply.text().endsWith("."), reply.text());
                } else {
                    assertEquals("length", reply.finishReason());
                    assertEquals(maxTokens, reply.completionTokens());
                }
            }
            assertEquals("stop", generator.reply(message, 1000).finishReason());
        }
    }
}
