package io.octvex.desk.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One problem of a policy document; {@code line} 0 when it has no place (a failing test, say). */
record PolicyProblem(int line, int column, String message) {
    private static final Pattern PLACED = Pattern.compile("line (\\d+), column (\\d+): ");

    /**
     * Reads the server's problem detail, {@code line 3, column 38: /rules/0/when: …; line 7, column 5: …}
     * (the compiler joins every problem with "; ").
     */
    static List<PolicyProblem> parse(String detail) {
        List<PolicyProblem> problems = new ArrayList<>();
        if (detail == null || detail.isBlank()) {
            return problems;
        }
        Matcher m = PLACED.matcher(detail);
        List<int[]> starts = new ArrayList<>();
        while (m.find()) {
            if (m.start() == 0 || detail.startsWith("; ", m.start() - 2)) {
                starts.add(new int[] {m.start(), m.end(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
            }
        }
        if (starts.isEmpty()) {
            problems.add(new PolicyProblem(0, 0, detail.strip()));
            return problems;
        }
        if (starts.getFirst()[0] > 0) {
            problems.add(new PolicyProblem(0, 0, trimSeparator(detail.substring(0, starts.getFirst()[0]))));
        }
        for (int i = 0; i < starts.size(); i++) {
            int[] s = starts.get(i);
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : detail.length();
            problems.add(new PolicyProblem(s[2], s[3], trimSeparator(detail.substring(s[1], end))));
        }
        return problems;
    }

    private static String trimSeparator(String text) {
        String t = text.strip();
        return t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
    }

    @Override
    public String toString() {
        return line > 0 ? "Line " + line + ", column " + column + ": " + message : message;
    }
}
