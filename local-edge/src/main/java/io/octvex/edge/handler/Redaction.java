package io.octvex.edge.handler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes credential values a target echoed back (a debugging endpoint printing request headers, an error
 * page quoting the token, a page showing what was typed) from what a step returns, before anything is
 * reported. Each occurrence becomes as
 * many {@code *} as it had bytes, in the raw body, so text and binary bodies are treated alike.
 */
public final class Redaction {
    /** Shorter values are not searched for: they would match by accident and say nothing. */
    static final int MIN_LENGTH = 4;

    private final List<byte[]> needles = new ArrayList<>();

    /** Every credential value, and its part after a scheme ("Bearer abc" → also "abc"). */
    public Redaction(Iterable<String> headerValues) {
        for (String value : headerValues) {
            add(value);
            int space = value.indexOf(' ');
            if (space > 0) {
                add(value.substring(space + 1));
            }
        }
    }

    private void add(String value) {
        if (value.length() >= MIN_LENGTH) {
            needles.add(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    public boolean isEmpty() {
        return needles.isEmpty();
    }

    /** Overwrites every occurrence in place; answers whether there was any. */
    public boolean apply(byte[] body) {
        boolean found = false;
        for (byte[] needle : needles) {
            for (int i = 0; i + needle.length <= body.length; i++) {
                if (matches(body, i, needle)) {
                    java.util.Arrays.fill(body, i, i + needle.length, (byte) '*');
                    found = true;
                    i += needle.length - 1;
                }
            }
        }
        return found;
    }

    public String apply(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return apply(bytes) ? new String(bytes, StandardCharsets.UTF_8) : text;
    }

    private static boolean matches(byte[] body, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (body[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }
}
