package io.octvex.server.policy;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Where each scalar of a policy document starts (by JSON pointer such as {@code /rules/2/when}), so that a
 * CEL error inside a condition can be reported at its line and column in the document.
 */
final class SourceLocations {
    private final Map<String, int[]> starts;

    private SourceLocations(Map<String, int[]> starts) {
        this.starts = starts;
    }

    static SourceLocations of(YAMLMapper yaml, String text) {
        Map<String, int[]> starts = new HashMap<>();
        try (JsonParser parser = yaml.createParser(text)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t.isScalarValue()) {
                    TokenStreamLocation at = parser.currentTokenLocation();
                    int column = at.getColumnNr() + (quoted(text, at.getLineNr(), at.getColumnNr()) ? 1 : 0);
                    starts.put(parser.streamReadContext().pathAsPointer().toString(),
                            new int[] {at.getLineNr(), column});
                }
            }
        } catch (RuntimeException e) {
            // unreadable documents are reported by the mapper with their own location
        }
        return new SourceLocations(starts);
    }

    /** A quoted scalar's content starts one column after its quote. */
    private static boolean quoted(String text, int line, int column) {
        String[] lines = text.split("\n", -1);
        if (line < 1 || line > lines.length || column < 1 || column > lines[line - 1].length()) {
            return false;
        }
        char c = lines[line - 1].charAt(column - 1);
        return c == '\'' || c == '"';
    }

    /** The document position of a position inside the scalar at {@code pointer} (both 1-based). */
    PolicyError at(String pointer, int innerLine, int innerColumn, String message) {
        int[] start = starts.get(pointer);
        if (start == null) {
            return new PolicyError(0, 0, pointer + ": " + message);
        }
        int line = start[0] + Math.max(innerLine, 1) - 1;
        int column = innerLine <= 1 ? start[1] + Math.max(innerColumn, 1) - 1 : innerColumn;
        return new PolicyError(line, column, pointer + ": " + message);
    }

    PolicyError at(String pointer, String message) {
        return at(pointer, 1, 1, message);
    }
}
