package io.octvex.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * A seeded source of random test input. The seed is new on every run (so CI explores) unless
 * {@code -Doctvex.fuzz.seed=N} fixes it; a failing test names the seed so that the case can be replayed.
 * Chosen over jqwik and Jazzer for the reasons in ADR 0023.
 */
public final class Fuzz {
    private static final List<String> NASTY = List.of("\u0000", "\\u0000", "\u202e", "\ud800", "\"", "\\", "{", "}",
            "[", "]", ":", ",", "\n", "\t", "\r\n", "'", "#", "&", "*", "!", "%", "\u00ff", "😀", "null", "-0", "1e999");
    private final long seed;
    private final Random random;

    private Fuzz(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public static Fuzz seeded() {
        String fixed = System.getProperty("octvex.fuzz.seed");
        return new Fuzz(fixed != null ? Long.parseLong(fixed) : new Random().nextLong());
    }

    public String reproduce() {
        return "replay with -Doctvex.fuzz.seed=" + seed;
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public int below(int n) {
        return random.nextInt(n);
    }

    public <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** One to four edits: delete, duplicate or insert a nasty fragment, flip a byte, or cut the text short. */
    public String mutate(String text) {
        StringBuilder out = new StringBuilder(text);
        for (int edits = 1 + random.nextInt(4); edits > 0 && !out.isEmpty(); edits--) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(8)));
                case 1 -> out.insert(at, out.substring(at, Math.min(out.length(), at + 1 + random.nextInt(16))));
                case 2 -> out.insert(at, pick(NASTY));
                case 3 -> out.setCharAt(at, (char) random.nextInt(0x80));
                default -> out.setLength(at);
            }
        }
        return out.toString();
    }

    /** Random bytes decoded as UTF-8 (with replacement characters where they are not). */
    public String garbage(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A random JSON value, at most {@code depth} deep, whose object keys come from {@code keys}. */
    public String json(List<String> keys, int depth) {
        int kind = random.nextInt(depth <= 0 ? 6 : 8);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> Boolean.toString(random.nextBoolean());
            case 2 -> pick(List.of("0", "-1", "1.5", "1e400", "-9223372036854775809", "123456789012345678901234567890",
                    Integer.toString(random.nextInt())));
            case 3, 4 -> quoted(pick(List.of("", "x", "run", "noop", "http", "https://example.com/", "allow", "deny",
                    "approve", "\u0000", "\ud800", "a\nb", "x".repeat(5000), garbage(20))));
            case 5 -> quoted(pick(keys));
            case 6 -> {
                StringBuilder array = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.append(json(keys, depth - 1)).append(i > 1 ? "," : "");
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.append(quoted(pick(keys))).append(':').append(json(keys, depth - 1)).append(i > 1 ? "," : "");
                }
                yield object.append('}').toString();
            }
        };
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
