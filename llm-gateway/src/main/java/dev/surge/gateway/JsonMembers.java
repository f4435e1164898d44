package dev.surge.gateway;

import java.util.Arrays;
import java.util.function.Predicate;

import io.vertx.core.buffer.Buffer;

/**
 * Where each top-level member of a JSON object starts in its bytes, so that the object can be forwarded with some
 * members left out (and one put first instead) by copying byte ranges of the original: no JSON tree, nothing
 * written again. The offsets come from the streaming parser that validated the object; members inside nested
 * values are never seen, so a nested key with the same name as a dropped one stays.
 *
 * <p>Written here rather than with Jackson's {@code FilteringParserDelegate} and a generator: those re-encode every
 * token (numbers, escaped strings, whitespace), which costs what this class exists to save and could change bytes
 * the upstream should get as the caller wrote them.
 */
public final class JsonMembers {

    private final byte[] json;
    private String[] names = new String[16];
    private int[] starts = new int[16];
    private int count;
    private int close = -1;

    /** An index over {@code json}, filled by {@link #add} and {@link #close} as a parser reads it. */
    public JsonMembers(byte[] json) {
        this.json = json;
    }

    /** A member named {@code name} starts (its name's opening quote) at byte {@code start}. */
    public void add(String name, int start) {
        if (count == starts.length) {
            names = Arrays.copyOf(names, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
        }
        names[count] = name;
        starts[count] = start;
        count++;
    }

    /** The object's closing brace is at byte {@code offset}. */
    public void close(int offset) {
        close = offset;
    }

    /** Whether a member of this name was seen. */
    public boolean has(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The object with only the members {@code keep} accepts, in their order and with their bytes unchanged, and
     * {@code leading} (an encoded member such as {@code "model":"x"}, or null) before them. Whatever preceded the
     * object and followed its closing brace is kept; whitespace between members is not.
     */
    public Buffer copy(Predicate<String> keep, byte[] leading) {
        if (close < 0) {
            throw new IllegalStateException("The object's end was not recorded");
        }
        Buffer out = Buffer.buffer(json.length + (leading == null ? 0 : leading.length + 1));
        out.appendBytes(json, 0, count == 0 ? close : starts[0]);
        boolean first = true;
        if (leading != null) {
            out.appendBytes(leading);
            first = false;
        }
        for (int i = 0; i < count; i++) {
            if (keep.test(names[i])) {
                if (!first) {
                    out.appendByte((byte) ',');
                }
                out.appendBytes(json, starts[i], end(i) - starts[i]);
                first = false;
            }
        }
        return out.appendBytes(json, close, json.length - close);
    }

    /**
     * Just past member {@code i}'s value. Between a value and the next member there is only whitespace and one
     * comma, and no value ends with whitespace, so walking back from the next member (or the brace) finds it.
     */
    private int end(int i) {
        boolean last = i == count - 1;
        int at = skipWhitespaceBack((last ? close : starts[i + 1]) - 1);
        if (!last) {
            if (json[at] != ',') {
                throw new IllegalStateException("No comma before member " + (i + 1) + " at " + at);
            }
            at = skipWhitespaceBack(at - 1);
        }
        return at + 1;
    }

    private int skipWhitespaceBack(int at) {
        while (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r') {
            at--;
        }
        return at;
    }
}
