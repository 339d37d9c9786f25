package io.octvex.desk.mcpclients;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Line-level edits of a block-style YAML file: our entry under one top-level key (a mapping of named
 * entries, or a list of entries with a {@code name}) is replaced, added or deleted as whole lines, and every
 * other line stays byte for byte. SnakeYAML reads the file before and after, and an edit whose result does
 * not read back as "the same document, with only our entry changed" is refused instead of written.
 */
final class YamlBlocks {
    private static final Pattern COMMENT_OR_BLANK = Pattern.compile("\\s*(#.*)?\\r?");

    private YamlBlocks() {}

    /** The document as plain Java maps and lists; an empty file is an empty map. */
    static Map<String, Object> load(String text) {
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            var mark = e.getProblemMark();
            throw new ConfigException("line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
                    + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(e.getMessage());
        }
        if (doc == null) {
            return new LinkedHashMap<>();
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new ConfigException("the top level is not a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) map;
        return result;
    }

    // --- a mapping of named entries: `key:\n  name:\n    …` (Goose's extensions) ---------------------------

    static Object mapEntry(String text, String key, String name) {
        return load(text).get(key) instanceof Map<?, ?> m ? m.get(name) : null;
    }

    static String putMapEntry(String text, String key, String name, Map<String, Object> entry) {
        Map<String, Object> before = load(text);
        Object section = before.get(key);
        if (section != null && !(section instanceof Map<?, ?>)) {
            throw new ConfigException("\"" + key + "\" is not a mapping");
        }
        if (section instanceof Map<?, ?> m && entry.equals(m.get(name))) {
            return text;
        }
        List<String> lines = lines(text);
        Section s = section(lines, key);
        String result;
        if (s == null) {
            result = append(text, key + ":" + nl(text) + block(name, entry, "  ", nl(text)));
        } else {
            String indent = s.childIndent(lines, "  ");
            Range ours = s.child(lines, indent, name);
            String rendered = block(name, entry, indent, nl(text));
            result = ours != null ? replace(lines, ours.from(), ours.to(), rendered)
                    : s.inline() ? replace(lines, s.keyLine(), s.keyLine() + 1, key + ":" + nl(text) + rendered)
                    : replace(lines, s.lastContent(lines) + 1, s.lastContent(lines) + 1, rendered);
        }
        return verified(before, result, doc -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) doc.computeIfAbsent(key, k -> new LinkedHashMap<>());
            m.put(name, entry);
            return doc;
        });
    }

    static String removeMapEntry(String text, String key, String name) {
        Map<String, Object> before = load(text);
        if (!(before.get(key) instanceof Map<?, ?> m) || !m.containsKey(name)) {
            return text;
        }
        List<String> lines = lines(text);
        Section s = section(lines, key);
        Range ours = s == null || s.inline() ? null : s.child(lines, s.childIndent(lines, "  "), name);
        if (ours == null) {
            throw new ConfigException("our entry \"" + name + "\" under \"" + key + "\" is written in a way this "
                    + "editor does not change (flow style?); remove it by hand");
        }
        String result = replace(lines, ours.from(), ours.to(), "");
        if (m.size() == 1) {
            result = emptied(result, key, "{}");
        }
        return verified(before, result, doc -> {
            ((Map<?, ?>) doc.get(key)).remove(name);
            return doc;
        });
    }

    // --- a list of entries with a name: `key:\n  - name: …` (Continue's mcpServers) --------------------

    static Object listEntry(String text, String key, String name) {
        if (load(text).get(key) instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                    return m;
                }
            }
        }
        return null;
    }

    static String putListEntry(String text, String key, Map<String, Object> entry, String header) {
        Map<String, Object> before = load(text);
        Object section = before.get(key);
        if (section != null && !(section instanceof List<?>)) {
            throw new ConfigException("\"" + key + "\" is not a list");
        }
        String name = (String) entry.get("name");
        int index = indexOf(section, name);
        if (index >= 0 && entry.equals(((List<?>) section).get(index))) {
            return text;
        }
        List<String> lines = lines(text);
        Section s = section(lines, key);
        String nl = nl(text);
        String result;
        if (s == null) {
            String start = text.isBlank() ? header : "";
            result = append(text, start + key + ":" + nl + item(entry, "  ", nl));
        } else if (s.inline()) {
            if (section != null && !((List<?>) section).isEmpty()) {
                throw new ConfigException("\"" + key + "\" is written as a one-line list; this editor only "
                        + "changes block-style lists. Add the entry by hand or rewrite the list one item a line");
            }
            result = replace(lines, s.keyLine(), s.keyLine() + 1, key + ":" + nl + item(entry, "  ", nl));
        } else {
            List<Range> items = s.items(lines);
            if (items.size() != (section == null ? 0 : ((List<?>) section).size())) {
                throw new ConfigException("\"" + key + "\" is laid out in a way this editor does not follow "
                        + "(flow-style items?); not changed");
            }
            String indent = items.isEmpty() ? "  " : lines.get(items.getFirst().from()).replaceAll("^(\\s*)-.*", "$1")
                    .replace("\r", "").replace("\n", "");
            String rendered = item(entry, indent, nl);
            result = index >= 0 ? replace(lines, items.get(index).from(), items.get(index).to(), rendered)
                    : replace(lines, s.lastContent(lines) + 1, s.lastContent(lines) + 1, rendered);
        }
        return verified(before, result, doc -> {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) doc.computeIfAbsent(key, k -> new ArrayList<>());
            if (index >= 0) {
                list.set(index, entry);
            } else {
                list.add(entry);
            }
            return doc;
        });
    }

    static String removeListEntry(String text, String key, String name) {
        Map<String, Object> before = load(text);
        Object section = before.get(key);
        int index = indexOf(section, name);
        if (index < 0) {
            return text;
        }
        List<String> lines = lines(text);
        Section s = section(lines, key);
        List<Range> items = s == null || s.inline() ? List.of() : s.items(lines);
        if (items.size() != ((List<?>) section).size()) {
            throw new ConfigException("\"" + key + "\" is laid out in a way this editor does not follow; remove "
                    + "the entry \"" + name + "\" by hand");
        }
        String result = replace(lines, items.get(index).from(), items.get(index).to(), "");
        if (items.size() == 1) {
            result = emptied(result, key, "[]");
        }
        return verified(before, result, doc -> {
            ((List<?>) doc.get(key)).remove(index);
            return doc;
        });
    }

    private static int indexOf(Object section, String name) {
        if (section instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                    return i;
                }
            }
        }
        return -1;
    }

    // --- lines ----------------------------------------------------------------------------------------

    /** A top-level key's lines: the key line, and the indented lines after it that belong to it. */
    private record Section(int keyLine, int end, boolean inline) {
        /** The indentation of the section's first content line, or {@code fallback}. */
        String childIndent(List<String> lines, String fallback) {
            for (int i = keyLine + 1; i < end; i++) {
                if (!blank(lines.get(i))) {
                    return indentOf(lines.get(i));
                }
            }
            return fallback;
        }

        int lastContent(List<String> lines) {
            int last = keyLine;
            for (int i = keyLine + 1; i < end; i++) {
                if (!blank(lines.get(i))) {
                    last = i;
                }
            }
            return last;
        }

        /** The lines of child {@code name} (its key line at {@code indent}) up to the next sibling. */
        Range child(List<String> lines, String indent, String name) {
            Pattern own = Pattern.compile(Pattern.quote(indent) + "(" + Pattern.quote(name) + "|\""
                    + Pattern.quote(name) + "\"|'" + Pattern.quote(name) + "'):\\s*(#.*)?\\r?\\n?");
            for (int i = keyLine + 1; i < end; i++) {
                if (own.matcher(lines.get(i)).matches()) {
                    int to = i + 1;
                    int lastContent = i;
                    while (to < end && (blank(lines.get(to)) || indentOf(lines.get(to)).length() > indent.length())) {
                        if (!blank(lines.get(to))) {
                            lastContent = to;
                        }
                        to++;
                    }
                    return new Range(i, lastContent + 1);
                }
            }
            return null;
        }

        /** The items of a block sequence: each `- ` line with the lines that continue it. */
        List<Range> items(List<String> lines) {
            List<Range> items = new ArrayList<>();
            String dash = null;
            for (int i = keyLine + 1; i < end; i++) {
                String line = lines.get(i);
                if (blank(line)) {
                    continue;
                }
                String indent = indentOf(line);
                if (line.startsWith(indent + "-") && (dash == null || indent.equals(dash))) {
                    dash = indent;
                    items.add(new Range(i, i + 1));
                } else if (!items.isEmpty() && indent.length() > dash.length()) {
                    items.set(items.size() - 1, new Range(items.getLast().from(), i + 1));
                } else {
                    return List.of(); // not a plain block sequence
                }
            }
            return items;
        }
    }

    private record Range(int from, int to) {}

    private static Section section(List<String> lines, String key) {
        Pattern keyLine = Pattern.compile("(" + Pattern.quote(key) + "|\"" + Pattern.quote(key) + "\"):(.*)");
        for (int i = 0; i < lines.size(); i++) {
            var m = keyLine.matcher(lines.get(i).replaceAll("\\r?\\n$", ""));
            if (!m.matches()) {
                continue;
            }
            boolean inline = !COMMENT_OR_BLANK.matcher(m.group(2)).matches();
            int end = i + 1;
            if (!inline) {
                while (end < lines.size() && (blank(lines.get(end)) || !indentOf(lines.get(end)).isEmpty()
                        || lines.get(end).startsWith("-"))) {
                    end++;
                }
            }
            return new Section(i, end, inline);
        }
        return null;
    }

    private static boolean blank(String line) {
        return COMMENT_OR_BLANK.matcher(line.replaceAll("\\n$", "")).matches();
    }

    private static String indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return line.substring(0, n);
    }

    /** The lines of {@code text}, each with its line break. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }

    private static String replace(List<String> lines, int from, int to, String with) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < from; i++) {
            out.append(lines.get(i));
        }
        if (from > 0 && !lines.get(from - 1).endsWith("\n") && !with.isEmpty()) {
            out.append('\n');
        }
        out.append(with);
        for (int i = to; i < lines.size(); i++) {
            out.append(lines.get(i));
        }
        return out.toString();
    }

    private static String append(String text, String block) {
        if (text.isEmpty() || text.endsWith("\n")) {
            return text + block;
        }
        return text + nl(text) + block;
    }

    /** A section left without entries gets an explicit empty value, so it does not read as null. */
    private static String emptied(String text, String key, String empty) {
        List<String> lines = lines(text);
        Section s = section(lines, key);
        if (s == null || s.inline() || s.lastContent(lines) != s.keyLine()) {
            return text;
        }
        String line = lines.get(s.keyLine());
        String rest = line.substring(line.indexOf(':') + 1);
        String ending = line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
        String comment = rest.strip().startsWith("#") ? " " + rest.strip() : "";
        return replace(lines, s.keyLine(), s.keyLine() + 1, key + ": " + empty + comment + ending);
    }

    private static String verified(Map<String, Object> before, String result, UnaryOperator<Map<String, Object>> change) {
        Map<String, Object> expected = change.apply(before);
        if (!Objects.equals(expected, load(result))) {
            throw new ConfigException("the edit would change more than the Octvex entry (an unusual layout); "
                    + "the file was not changed");
        }
        return result;
    }

    private static String nl(String text) {
        return Jsonc.newline(text);
    }

    // --- rendering ------------------------------------------------------------------------------------

    private static String block(String name, Map<String, Object> entry, String indent, String nl) {
        return indent + name + ":" + nl + fields(entry, indent + "  ", nl, indent + "  ");
    }

    private static String item(Map<String, Object> entry, String indent, String nl) {
        return fields(entry, indent + "  ", nl, indent + "- ");
    }

    private static String fields(Map<String, Object> map, String indent, String nl, String firstPrefix) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            out.append(first ? firstPrefix : indent).append(e.getKey()).append(':');
            first = false;
            if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) nested;
                out.append(nl).append(fields(m, indent + "  ", nl, indent + "  "));
            } else {
                out.append(' ').append(Jsonc.render(e.getValue(), "", "", nl, true)).append(nl);
            }
        }
        return out.toString();
    }
}
