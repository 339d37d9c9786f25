package io.octvex.server.run;

import io.octvex.protocol.Placement;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.web.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Checks a submitted run completely before anything is written, and answers the first problem found with a
 * 400 that says where it is and what would be accepted. Returns the run as it will be stored.
 */
final class SubmissionValidator {
    static final int MAX_TITLE = 200;
    static final int MIN_STEPS = 1;
    static final int MAX_STEPS = 100;
    static final int MAX_HANDLER = 64;
    static final int MAX_ACTION = 200;
    static final Pattern KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");

    private SubmissionValidator() {}

    record PlannedStep(String key, String handler, String action, JsonNode input, List<String> dependsOn,
                       Placement placement, RetryPolicy retry) {}

    /** Label keys as edges declare them ({@code os}, {@code region}, {@code host}, {@code team/gpu}). */
    static final Pattern LABEL_KEY = Pattern.compile("^[a-z0-9][a-z0-9._/-]{0,62}$");
    static final int MAX_LABEL_VALUE = 200;
    static final int MAX_LABELS = 50;
    static final int MAX_ATTEMPTS = 100;
    static final int MAX_BACKOFF_SECONDS = 3600;

    record Plan(String title, JsonNode spec, List<PlannedStep> steps) {}

    static Plan validate(SubmitRun request) {
        if (request == null) {
            throw ApiException.badRequest("a run needs a body: {\"title\": …, \"steps\": [ … ]}");
        }
        List<StepSpec> specs = request.steps();
        if (specs == null || specs.isEmpty()) {
            throw ApiException.badRequest("'steps' must list at least " + MIN_STEPS + " step");
        }
        if (specs.size() > MAX_STEPS) {
            throw ApiException.badRequest("'steps' lists " + specs.size() + " steps; a run may have at most "
                    + MAX_STEPS);
        }
        String title = title(request.title(), specs.size());
        JsonNode spec = object(request.spec(), "spec");

        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            StepSpec step = specs.get(i);
            String where = "steps[" + i + "]";
            if (step == null) {
                throw ApiException.badRequest("'" + where + "' is null; each step must be an object");
            }
            String key = step.key();
            if (key == null || !KEY.matcher(key).matches()) {
                throw ApiException.badRequest("'" + where + ".key' " + (key == null ? "is missing" : "'"
                        + printable(key) + "' is not a valid key") + "; a key is 1 to 64 letters, digits, '_', '.'"
                        + " or '-', starting with a letter or digit");
            }
            Integer earlier = positions.putIfAbsent(key, i);
            if (earlier != null) {
                throw ApiException.badRequest("'" + where + ".key' '" + key + "' is also the key of steps["
                        + earlier + "]; keys must be unique within a run");
            }
            text(step.handler(), where + ".handler", MAX_HANDLER);
            text(step.action(), where + ".action", MAX_ACTION);
        }

        List<PlannedStep> planned = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            StepSpec step = specs.get(i);
            String where = "steps[" + i + "]";
            Set<String> deps = new LinkedHashSet<>();
            for (String dep : step.dependsOn() == null ? List.<String>of() : step.dependsOn()) {
                if (dep == null) {
                    throw ApiException.badRequest("'" + where + ".dependsOn' holds a null; list step keys");
                }
                if (dep.equals(step.key())) {
                    throw ApiException.badRequest("step '" + step.key() + "' depends on itself");
                }
                if (!positions.containsKey(dep)) {
                    throw ApiException.badRequest("step '" + step.key() + "' depends on '" + printable(dep)
                            + "', which is not a step of this run");
                }
                if (!deps.add(dep)) {
                    throw ApiException.badRequest("step '" + step.key() + "' lists '" + dep
                            + "' twice in 'dependsOn'");
                }
            }
            planned.add(new PlannedStep(step.key(), step.handler(), step.action(),
                    object(step.input(), where + ".input"), List.copyOf(deps),
                    placement(step.placement(), where + ".placement"), retry(step.retry(), where + ".retry")));
        }
        refuseCycles(planned);
        return new Plan(title, spec, List.copyOf(planned));
    }

    /** Absent means anywhere; labels follow the edge label rules (key syntax, value length, count). */
    private static Placement placement(Placement placement, String where) {
        if (placement == null) {
            return Placement.anywhere();
        }
        labels(placement.require(), where + ".require");
        labels(placement.prefer(), where + ".prefer");
        return placement;
    }

    private static void labels(Map<String, String> labels, String where) {
        if (labels.size() > MAX_LABELS) {
            throw ApiException.badRequest("'" + where + "' has " + labels.size() + " labels; at most " + MAX_LABELS
                    + " are allowed");
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!LABEL_KEY.matcher(label.getKey()).matches()) {
                throw ApiException.badRequest("'" + where + "' has the label key '" + printable(label.getKey())
                        + "'; a label key is 1 to 63 lower-case letters, digits, '.', '_', '/' or '-', starting"
                        + " with a letter or digit");
            }
            String value = label.getValue();
            if (value == null || value.length() > MAX_LABEL_VALUE || firstControl(value, false) >= 0) {
                throw ApiException.badRequest("'" + where + "." + label.getKey() + "' must be a text of at most "
                        + MAX_LABEL_VALUE + " characters without control characters");
            }
        }
    }

    /** Absent means the server's default ({@link RetryPolicy#DEFAULT}); given, it is checked. */
    private static RetryPolicy retry(RetryPolicy retry, String where) {
        if (retry == null) {
            return null;
        }
        if (retry.maxAttempts() < 1 || retry.maxAttempts() > MAX_ATTEMPTS) {
            throw ApiException.badRequest("'" + where + ".maxAttempts' must be between 1 and " + MAX_ATTEMPTS
                    + ", got " + retry.maxAttempts());
        }
        if (retry.backoffSeconds() < 0 || retry.backoffSeconds() > MAX_BACKOFF_SECONDS) {
            throw ApiException.badRequest("'" + where + ".backoffSeconds' must be between 0 and "
                    + MAX_BACKOFF_SECONDS + ", got " + retry.backoffSeconds());
        }
        return retry;
    }

    /** A missing title becomes "run of N steps"; a given one is trimmed and must then hold 1..200 characters. */
    private static String title(String title, int stepCount) {
        if (title == null) {
            return "run of " + stepCount + (stepCount == 1 ? " step" : " steps");
        }
        String trimmed = title.strip();
        if (trimmed.isEmpty()) {
            throw ApiException.badRequest("'title' is blank; leave it out for a default title or give 1 to "
                    + MAX_TITLE + " characters");
        }
        text(trimmed, "title", MAX_TITLE);
        return trimmed;
    }

    private static void text(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required (1 to " + max + " characters)");
        }
        if (value.length() > max) {
            throw ApiException.badRequest("'" + field + "' has " + value.length() + " characters; at most " + max
                    + " are allowed");
        }
        int control = firstControl(value, false);
        if (control >= 0) {
            throw ApiException.badRequest("'" + field + "' contains the control character U+"
                    + String.format("%04X", (int) value.charAt(control)) + " at position " + control
                    + "; control characters are not allowed");
        }
    }

    /** Absent means {}; anything else must be an object whose strings hold no NUL or other control character. */
    private static JsonNode object(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("'" + field + "' must be a JSON object, got " + kind(node));
        }
        refuseControls(node, field);
        return node;
    }

    /**
     * PostgreSQL's jsonb cannot hold U+0000; other C0 controls are refused as well. Tab, line feed and
     * carriage return are allowed inside JSON values, since multi-line text is ordinary task input.
     */
    static void refuseControls(JsonNode node, String path) {
        if (node.isString()) {
            int at = firstControl(node.asString(), true);
            if (at >= 0) {
                throw ApiException.badRequest("'" + path + "' contains the control character U+"
                        + String.format("%04X", (int) node.asString().charAt(at))
                        + "; NUL and control characters other than tab and line breaks are not allowed");
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (firstControl(field.getKey(), false) >= 0) {
                    throw ApiException.badRequest("a field name inside '" + path
                            + "' contains a control character; they are not allowed in field names");
                }
                refuseControls(field.getValue(), path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseControls(node.get(i), path + "[" + i + "]");
            }
        }
    }

    /** Index of the first control character, or -1. With {@code allowLineBreaks}, tab, LF and CR pass. */
    static int firstControl(String value, boolean allowLineBreaks) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(allowLineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                return i;
            }
        }
        return -1;
    }

    /** Refuses a dependency cycle, naming it: "a → b → c → a". */
    private static void refuseCycles(List<PlannedStep> steps) {
        Map<String, PlannedStep> byKey = new LinkedHashMap<>();
        steps.forEach(s -> byKey.put(s.key(), s));
        Set<String> done = new HashSet<>();
        for (PlannedStep start : steps) {
            List<String> path = new ArrayList<>();
            visit(start.key(), byKey, done, path, new HashSet<>());
        }
    }

    private static void visit(String key, Map<String, PlannedStep> byKey, Set<String> done, List<String> path,
                              Set<String> onPath) {
        if (done.contains(key)) {
            return;
        }
        if (onPath.contains(key)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(key), path.size()));
            cycle.add(key);
            throw ApiException.badRequest("the steps' dependencies form a cycle: " + String.join(" → ", cycle)
                    + " (each depends on the next); a run's steps must not depend on each other in a circle");
        }
        onPath.add(key);
        path.add(key);
        for (String dep : byKey.get(key).dependsOn()) {
            visit(dep, byKey, done, path, onPath);
        }
        path.removeLast();
        onPath.remove(key);
        done.add(key);
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The value with control characters shown as U+XXXX, shortened, safe to echo in a message. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 70; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("U+%04X", (int) c) : String.valueOf(c));
        }
        return out.length() >= 70 ? out.substring(0, 67) + "..." : out.toString();
    }
}
