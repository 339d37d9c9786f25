package io.octvex.desk.mcpclients;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON-with-comments reader that remembers where every value sits in the text, and splices members in and
 * out of objects by editing only those characters. Comments, key order, indentation and trailing commas
 * elsewhere in the file are left exactly as they were: the file is never parsed and dumped again.
 */
final class Jsonc {
    sealed interface Node permits Obj, Arr, Scalar {
        int start();

        int end();

        Object value();
    }

    /** A member; {@code comma} is the index of the comma after its value, or -1. */
    record Member(String key, int keyStart, Node value, int comma) {}

    record Obj(int start, int end, List<Member> members) implements Node {
        Member member(String key) {
            Member found = null;
            for (Member m : members) {
                if (m.key().equals(key)) {
                    if (found != null) {
                        throw new ConfigException("the key \"" + key + "\" appears twice in the same object");
                    }
                    found = m;
                }
            }
            return found;
        }

        @Override
        public Object value() {
            Map<String, Object> map = new LinkedHashMap<>();
            members.forEach(m -> map.put(m.key(), m.value().value()));
            return map;
        }
    }

    record Arr(int start, int end, List<Node> items) implements Node {
        @Override
        public Object value() {
            List<Object> list = new ArrayList<>();
            items.forEach(i -> list.add(i.value()));
            return list;
        }
    }

    record Scalar(int start, int end, Object value) implements Node {}

    private final String text;
    private int pos;

    private Jsonc(String text) {
        this.text = text;
    }

    /** @throws ConfigException saying where the text stops being JSON(C) */
    static Node parse(String text) {
        Jsonc p = new Jsonc(text);
        p.skip();
        Node root = p.value();
        p.skip();
        if (p.pos < text.length()) {
            throw p.error("unexpected text after the end of the document");
        }
        return root;
    }

    private Node value() {
        if (pos >= text.length()) {
            throw error("the document ends where a value was expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> {
                int start = pos;
                String s = string();
                yield new Scalar(start, pos, s);
            }
            default -> literal();
        };
    }

    private Obj object() {
        int start = pos++;
        List<Member> members = new ArrayList<>();
        skip();
        while (true) {
            if (pos >= text.length()) {
                throw error("the document ends inside an object (a '}' is missing)");
            }
            if (text.charAt(pos) == '}') {
                pos++;
                return new Obj(start, pos, members);
            }
            if (text.charAt(pos) != '"') {
                throw error("expected a quoted key or '}'");
            }
            int keyStart = pos;
            String key = string();
            skip();
            expect(':');
            skip();
            Node v = value();
            skip();
            int comma = -1;
            if (pos < text.length() && text.charAt(pos) == ',') {
                comma = pos++;
                skip();
            } else if (pos < text.length() && text.charAt(pos) != '}') {
                throw error("expected ',' or '}'");
            }
            members.add(new Member(key, keyStart, v, comma));
        }
    }

    private Arr array() {
        int start = pos++;
        List<Node> items = new ArrayList<>();
        skip();
        while (true) {
            if (pos >= text.length()) {
                throw error("the document ends inside an array (a ']' is missing)");
            }
            if (text.charAt(pos) == ']') {
                pos++;
                return new Arr(start, pos, items);
            }
            items.add(value());
            skip();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                skip();
            } else if (pos < text.length() && text.charAt(pos) != ']') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        StringBuilder out = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error("a string is not closed");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("a string is not closed");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("a \\u escape is cut short");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("a \\u escape is not hexadecimal");
                    }
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }

    private Scalar literal() {
        int start = pos;
        while (pos < text.length() && "{}[],:\"/ \t\r\n".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String word = text.substring(start, pos);
        Object v = switch (word) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            default -> {
                if (!word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                    pos = start;
                    throw error(word.isEmpty() ? "expected a value" : "'" + word + "' is not a JSON value");
                }
                yield new BigDecimal(word);
            }
        };
        return new Scalar(start, pos, v);
    }

    /** Skips white space and comments. */
    private void skip() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF') {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                int close = text.indexOf("*/", pos + 2);
                if (close < 0) {
                    throw error("a /* comment is not closed");
                }
                pos = close + 2;
            } else {
                return;
            }
        }
    }

    private void expect(char c) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private ConfigException error(String what) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new ConfigException("line " + line + ", column " + col + ": " + what);
    }

    // --- splicing ---------------------------------------------------------------------------------------

    /**
     * The text with {@code entry} as member {@code name} of the object at {@code path} (objects on the path
     * are created when missing). Returns {@code text} itself when that member already has this value.
     */
    static String put(String text, List<String> path, String name, Map<String, Object> entry) {
        if (text.isBlank()) {
            text = "{}\n";
        }
        Obj obj = root(text);
        for (int i = 0; i < path.size(); i++) {
            Member m = obj.member(path.get(i));
            if (m == null) {
                Map<String, Object> nested = Map.of(name, entry);
                for (int j = path.size() - 1; j > i; j--) {
                    nested = Map.of(path.get(j), nested);
                }
                return insert(text, obj, path.get(i), nested);
            }
            if (!(m.value() instanceof Obj o)) {
                throw new ConfigException("\"" + String.join(".", path.subList(0, i + 1)) + "\" is not an object");
            }
            obj = o;
        }
        Member existing = obj.member(name);
        if (existing == null) {
            return insert(text, obj, name, entry);
        }
        if (entry.equals(existing.value().value())) {
            return text;
        }
        String unit = indentUnit(text);
        String indent = lineIndent(text, existing.keyStart());
        String rendered = render(entry, indent, unit, newline(text), false);
        return text.substring(0, existing.value().start()) + rendered + text.substring(existing.value().end());
    }

    /** The text without member {@code name} of the object at {@code path}; {@code text} itself when absent. */
    static String remove(String text, List<String> path, String name) {
        if (text.isBlank()) {
            return text;
        }
        Obj obj = root(text);
        for (String key : path) {
            Member m = obj.member(key);
            if (m == null || !(m.value() instanceof Obj o)) {
                return text;
            }
            obj = o;
        }
        Member ours = obj.member(name);
        if (ours == null) {
            return text;
        }
        int index = obj.members().indexOf(ours);
        int from = ours.keyStart();
        int to = ours.comma() >= 0 ? ours.comma() + 1 : ours.value().end();
        // the whole line(s) go when the member stands on its own lines
        int lineStart = text.lastIndexOf('\n', from - 1) + 1;
        int lineEnd = to;
        while (lineEnd < text.length() && (text.charAt(lineEnd) == ' ' || text.charAt(lineEnd) == '\t'
                || text.charAt(lineEnd) == '\r')) {
            lineEnd++;
        }
        if (text.substring(lineStart, from).isBlank() && lineEnd < text.length() && text.charAt(lineEnd) == '\n') {
            from = lineStart;
            to = lineEnd + 1;
        }
        StringBuilder out = new StringBuilder(text);
        if (ours.comma() < 0 && index > 0) {
            // the member before ours becomes the last one: its comma goes too (with the space after it, when
            // ours shares its line)
            int comma = obj.members().get(index - 1).comma();
            if (from == ours.keyStart() && text.substring(comma + 1, from).isBlank()
                    && text.substring(comma + 1, from).indexOf('\n') < 0) {
                from = comma;
            } else {
                out.deleteCharAt(comma);
                from--;
                to--;
            }
        }
        out.delete(from, to);
        if (obj.members().size() == 1) {
            // an object left with white space only is written {}
            int open = obj.start();
            int close = out.indexOf("}", open);
            if (close > open && out.substring(open + 1, close).isBlank()) {
                out.delete(open + 1, close);
            }
        }
        return out.toString();
    }

    private static Obj root(String text) {
        if (!(parse(text) instanceof Obj obj)) {
            throw new ConfigException("the top level is not a JSON object");
        }
        return obj;
    }

    private static String insert(String text, Obj obj, String key, Map<String, Object> value) {
        String nl = newline(text);
        String unit = indentUnit(text);
        String closeIndent = lineIndent(text, obj.start());
        boolean oneLine = !obj.members().isEmpty() && text.substring(obj.start(), obj.end()).indexOf('\n') < 0;
        if (obj.members().isEmpty()) {
            String memberIndent = closeIndent + unit;
            String member = quote(key) + ": " + render(value, memberIndent, unit, nl, false);
            String inner = text.substring(obj.start() + 1, obj.end() - 1);
            if (inner.isBlank()) {
                return text.substring(0, obj.start() + 1) + nl + memberIndent + member + nl + closeIndent
                        + text.substring(obj.end() - 1);
            }
            return text.substring(0, obj.start() + 1) + nl + memberIndent + member + text.substring(obj.start() + 1);
        }
        Member last = obj.members().getLast();
        boolean trailingComma = last.comma() >= 0;
        int after = trailingComma ? last.comma() + 1 : last.value().end();
        if (oneLine) {
            String member = quote(key) + ": " + render(value, "", unit, nl, true);
            String piece = trailingComma ? " " + member + "," : ", " + member;
            return text.substring(0, after) + piece + text.substring(after);
        }
        String memberIndent = lineIndent(text, obj.members().getFirst().keyStart());
        if (!text.substring(text.lastIndexOf('\n', obj.members().getFirst().keyStart() - 1) + 1,
                obj.members().getFirst().keyStart()).isBlank()) {
            memberIndent = closeIndent + unit; // the first member shares its line with the brace
        }
        String member = quote(key) + ": " + render(value, memberIndent, unit, nl, false);
        // after the last member's line (and any comment that ends it), before the closing brace
        int at = after;
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
        if (text.startsWith("//", at)) {
            while (at < text.length() && text.charAt(at) != '\n') {
                at++;
            }
        }
        if (at > 0 && text.charAt(at - 1) == '\r' && nl.equals("\r\n")) {
            at--;
        }
        boolean lineEnds = at >= text.length() || text.charAt(at) == '\n' || text.charAt(at) == '\r';
        if (!lineEnds) {
            at = after;
        }
        String piece = nl + memberIndent + member + (trailingComma ? "," : "");
        if (!lineEnds) {
            piece = piece + nl + closeIndent;
        }
        String head = trailingComma ? text.substring(0, at)
                : text.substring(0, last.value().end()) + "," + text.substring(last.value().end(), at);
        return head + piece + text.substring(at);
    }

    /** Renders a value the way people write JSON by hand: objects one member a line, short arrays inline. */
    static String render(Object v, String indent, String unit, String nl, boolean compact) {
        if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return "{}";
            }
            StringBuilder out = new StringBuilder("{");
            String inner = indent + unit;
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",").append(compact ? (first ? "" : " ") : nl + inner)
                        .append(quote(e.getKey().toString())).append(": ")
                        .append(render(e.getValue(), inner, unit, nl, compact));
                first = false;
            }
            return out.append(compact ? "" : nl + indent).append('}').toString();
        }
        if (v instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(render(list.get(i), indent, unit, nl, true));
            }
            return out.append(']').toString();
        }
        if (v instanceof String s) {
            return quote(s);
        }
        return String.valueOf(v);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String newline(String text) {
        return text.contains("\r\n") ? "\r\n" : "\n";
    }

    /** The file's own indentation step: the leading white space of its first indented line, else 2 spaces. */
    static String indentUnit(String text) {
        for (String line : text.split("\n")) {
            int n = 0;
            while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) {
                n++;
            }
            if (n > 0 && n < line.length() && line.charAt(n) != '\r') {
                return line.substring(0, n);
            }
        }
        return "  ";
    }

    static String lineIndent(String text, int at) {
        int start = text.lastIndexOf('\n', at - 1) + 1;
        int n = start;
        while (n < text.length() && (text.charAt(n) == ' ' || text.charAt(n) == '\t')) {
            n++;
        }
        return text.substring(start, n);
    }
}
