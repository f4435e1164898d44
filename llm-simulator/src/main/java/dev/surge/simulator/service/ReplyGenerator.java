package dev.surge.simulator.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Makes the reply text: the same last user message always gives the same reply, between 16 and 63
 * tokens long (about four characters a token) unless the request's maximum cuts it short.
 */
@ApplicationScoped
public class ReplyGenerator {

    /** Characters per token, the simulator's rough tokenizer. */
    public static final int CHARS_PER_TOKEN = 4;

    private static final String[] WORDS = { "the", "gateway", "retries", "with", "backoff", "and", "honours",
            "limits", "so", "every", "message", "arrives", "once", "while", "the", "provider", "recovers", "under",
            "load", "a", "simulated", "answer", "keeps", "flowing", "through", "queues", "workers", "streams",
            "tokens", "patiently", "steadily", "calmly", "in", "order", "without", "loss" };

    /**
     * A reply to {@code lastUserText}.
     *
     * @param text the reply
     * @param pieces the reply cut into stream pieces (a word and its leading space each)
     * @param completionTokens tokens of {@code text}
     * @param finishReason {@code length} when the maximum cut the reply, else {@code stop}
     */
    public record Reply(String text, List<String> pieces, long completionTokens, String finishReason) {
    }

    /** The reply to {@code lastUserText}, at most {@code maxTokens} tokens long. */
    public Reply reply(String lastUserText, int maxTokens) {
        long seed = fnv1a(lastUserText);
        SplittableRandom random = new SplittableRandom(seed);
        int natural = 16 + random.nextInt(48);
        int tokens = Math.min(natural, maxTokens);
        int chars = tokens * CHARS_PER_TOKEN;
        StringBuilder text = new StringBuilder("Simulated reply");
        String topic = firstWords(lastUserText);
        if (!topic.isEmpty()) {
            text.append(" to \"").append(topic).append('"');
        }
        text.append(':');
        boolean cut = natural > maxTokens;
        if (cut) {
            // Cut off mid-word, as a model stopped by max_tokens is.
            while (text.length() < chars) {
                text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            }
            text.setLength(chars);
        } else {
            // Whole words and a full stop within the natural length.
            String word = WORDS[random.nextInt(WORDS.length)];
            while (text.length() + word.length() + 2 <= chars) {
                text.append(' ').append(word);
                word = WORDS[random.nextInt(WORDS.length)];
            }
            text.setLength(Math.min(text.length(), chars - 1));
            text.append('.');
        }
        String reply = text.toString();
        return new Reply(reply, pieces(reply), tokens(reply.length()), cut ? "length" : "stop");
    }

    /** Tokens of {@code chars} characters: one per four, rounded up. */
    public static long tokens(long chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private static String firstWords(String text) {
        String flat = text.strip().replaceAll("\\s+", " ").replace("\"", "'");
        return flat.length() <= 40 ? flat : flat.substring(0, 40).strip() + "...";
    }

    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                pieces.add(text.substring(start, i));
                start = i;
            }
        }
        return pieces;
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
