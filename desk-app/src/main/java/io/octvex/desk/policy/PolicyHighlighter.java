package io.octvex.desk.policy;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/**
 * Styles a policy document for the editor, line by line with a few patterns (no YAML parser: a draft is often
 * half-typed): keys, strings, comments and, in a rule's {@code when}, CEL's operators and string literals.
 * Style classes are {@link #KEY}, {@link #STRING}, {@link #COMMENT} and {@link #OPERATOR} (policy-editor.css).
 */
final class PolicyHighlighter {
    static final String KEY = "policy-key";
    static final String STRING = "policy-string";
    static final String COMMENT = "policy-comment";
    static final String OPERATOR = "policy-operator";

    // a key: at the line's start (after indentation and list dashes) or after '{' or ',' in a flow map
    private static final Pattern KEY_AT = Pattern.compile(
            "(?:^[ \\t]*(?:-[ \\t]+)*|[{,][ \\t]*)([A-Za-z_][\\w.-]*)(?=[ \\t]*:(?:[ \\t]|$))");
    // a quote starts a string only where a value can start (not the apostrophe in "don't")
    private static final Pattern YAML_TOKEN = Pattern.compile(
            "(?<![^\\s\\[{,:])(?<string>\"(?:[^\"\\\\]|\\\\.)*\"?|'(?:[^']|'')*'?)|(?<comment>(?:^|(?<=[ \\t]))#.*)");
    private static final Pattern CEL_TOKEN = Pattern.compile(
            "(?<string>\"(?:[^\"\\\\]|\\\\.)*\"?)|(?<operator>==|!=|<=|>=|&&|\\|\\||[<>!?:+\\-*/%]|\\bin\\b)");
    private static final Pattern WHEN = Pattern.compile("^[ \\t-]*when[ \\t]*:[ \\t]*");

    private PolicyHighlighter() {}

    /** The style spans of {@code text}, covering all of it (unstyled stretches have no class). */
    static StyleSpans<Collection<String>> highlight(String text) {
        var spans = new Spans(text.length());
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int end = text.indexOf('\n', lineStart);
            int lineEnd = end < 0 ? text.length() : end;
            line(text.substring(lineStart, lineEnd), lineStart, spans);
            if (end < 0) {
                break;
            }
            lineStart = end + 1;
        }
        return spans.build();
    }

    private static void line(String line, int offset, Spans spans) {
        Matcher when = WHEN.matcher(line);
        int from = 0;
        if (when.find()) {
            int key = line.indexOf("when");
            spans.add(offset + key, offset + key + 4, KEY);
            cel(line.substring(when.end()), offset + when.end(), spans);
            return;
        }
        Matcher key = KEY_AT.matcher(line);
        Matcher token = YAML_TOKEN.matcher(line);
        while (token.find(from)) {
            // keys before this token (a key cannot sit inside a string or a comment)
            markKeys(key, from, token.start(), offset, spans);
            spans.add(offset + token.start(), offset + token.end(), token.group("string") != null ? STRING : COMMENT);
            from = token.end();
            if (from >= line.length()) {
                return;
            }
        }
        markKeys(key, from, line.length(), offset, spans);
    }

    private static void markKeys(Matcher key, int from, int to, int offset, Spans spans) {
        key.region(from, to).useTransparentBounds(true).useAnchoringBounds(false);
        while (key.find()) {
            spans.add(offset + key.start(1), offset + key.end(1), KEY);
        }
    }

    /**
     * A {@code when} value: a CEL expression, usually in YAML quotes. The quotes are strings; inside them CEL's
     * own string literals and operators. A comment after it stays a comment.
     */
    private static void cel(String value, int offset, Spans spans) {
        boolean quoted = !value.isEmpty() && value.charAt(0) == '\'';
        int close = quoted ? value.indexOf('\'', 1) : -1;
        int hash = quoted ? -1 : value.indexOf(" #");
        int end = close > 0 ? close : hash >= 0 ? hash : value.length();
        if (quoted) {
            spans.add(offset, offset + 1, STRING);
        }
        Matcher token = CEL_TOKEN.matcher(value).region(quoted ? 1 : 0, end);
        while (token.find()) {
            spans.add(offset + token.start(), offset + token.end(), token.group("string") != null ? STRING : OPERATOR);
        }
        if (close > 0) {
            spans.add(offset + close, offset + close + 1, STRING);
            comment(value, close + 1, offset, spans);
        } else if (hash >= 0) {
            comment(value, hash, offset, spans);
        }
    }

    private static void comment(String value, int from, int offset, Spans spans) {
        int hash = value.indexOf('#', from);
        if (hash >= 0 && value.substring(from, hash).isBlank()) {
            spans.add(offset + hash, offset + value.length(), COMMENT);
        }
    }

    /** Styled ranges in order, without overlaps; the gaps become unstyled spans. */
    private static final class Spans {
        private final StyleSpansBuilder<Collection<String>> builder = new StyleSpansBuilder<>();
        private final int length;
        private int at;

        Spans(int length) {
            this.length = length;
        }

        void add(int start, int end, String style) {
            if (start < at || end <= start) {
                return; // overlaps what is styled already, or empty
            }
            if (start > at) {
                builder.add(List.of(), start - at);
            }
            builder.add(List.of(style), end - start);
            at = end;
        }

        StyleSpans<Collection<String>> build() {
            builder.add(List.of(), length - at); // a builder needs at least one span
            return builder.create();
        }
    }
}
