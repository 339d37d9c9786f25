package io.octvex.server.policy;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.PolicyVersionView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Compares two saved versions of a policy. Entries are compared as the documents state them (read as plain
 * trees, not as compiled records), so a change of spelling such as {@code PT60M} for {@code PT1H} shows as
 * the author wrote it.
 */
final class PolicyDiffer {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final int CONTEXT_LINES = 3;

    private PolicyDiffer() {}

    /** What changed from {@code against} to {@code version}. */
    static PolicyDiff diff(PolicyVersionView version, PolicyVersionView against) {
        if (version.version() == against.version()) {
            PolicyDiff.Section none = new PolicyDiff.Section(List.of(), List.of(), List.of());
            return new PolicyDiff(version.version(), against.version(), none, none, none,
                    new PolicyDiff.Tests(List.of(), List.of()), "");
        }
        JsonNode before = YAML.readTree(against.document());
        JsonNode after = YAML.readTree(version.document());
        Set<String> testsBefore = testNames(before);
        Set<String> testsAfter = testNames(after);
        return new PolicyDiff(version.version(), against.version(),
                section(before.path("grants"), after.path("grants")),
                section(before.path("rules"), after.path("rules")),
                section(before.path("rateLimits"), after.path("rateLimits")),
                new PolicyDiff.Tests(testsAfter.stream().filter(n -> !testsBefore.contains(n)).toList(),
                        testsBefore.stream().filter(n -> !testsAfter.contains(n)).toList()),
                unified(against, version));
    }

    private static PolicyDiff.Section section(JsonNode before, JsonNode after) {
        Map<String, JsonNode> old = byId(before);
        Map<String, JsonNode> now = byId(after);
        List<PolicyDiff.Entry> added = new ArrayList<>();
        List<PolicyDiff.Changed> changed = new ArrayList<>();
        now.forEach((id, entry) -> {
            JsonNode previous = old.get(id);
            if (previous == null) {
                added.add(new PolicyDiff.Entry(id, entry));
            } else if (!previous.equals(entry)) {
                changed.add(new PolicyDiff.Changed(id, fields(previous, entry)));
            }
        });
        List<PolicyDiff.Entry> removed = old.entrySet().stream().filter(e -> !now.containsKey(e.getKey()))
                .map(e -> new PolicyDiff.Entry(e.getKey(), e.getValue())).toList();
        return new PolicyDiff.Section(List.copyOf(added), removed, List.copyOf(changed));
    }

    /** The fields that differ, in the order the newer entry states them, then those it dropped. */
    private static List<PolicyDiff.Field> fields(JsonNode before, JsonNode after) {
        Set<String> names = new LinkedHashSet<>(after.propertyNames());
        names.addAll(before.propertyNames());
        List<PolicyDiff.Field> fields = new ArrayList<>();
        for (String name : names) {
            JsonNode was = before.get(name);
            JsonNode is = after.get(name);
            if (was == null || !was.equals(is)) {
                fields.add(new PolicyDiff.Field(name, was, is));
            }
        }
        return List.copyOf(fields);
    }

    /** A saved version compiled, so every entry has an id and no id is used twice. */
    private static Map<String, JsonNode> byId(JsonNode entries) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        entries.forEach(entry -> byId.put(entry.path("id").asString(), entry));
        return byId;
    }

    /** Tests have no id; their names identify them (an unnamed test cannot be told apart, so it is left out). */
    private static Set<String> testNames(JsonNode document) {
        Set<String> names = new LinkedHashSet<>();
        document.path("tests").forEach(test -> {
            if (test.path("name").isString()) {
                names.add(test.path("name").asString());
            }
        });
        return names;
    }

    private static String unified(PolicyVersionView against, PolicyVersionView version) {
        List<String> original = against.document().lines().toList();
        List<String> revised = version.document().lines().toList();
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("version " + against.version(),
                "version " + version.version(), original, DiffUtils.diff(original, revised), CONTEXT_LINES);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
