package io.octvex.protocol;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What changed from policy version {@code against} to version {@code version}: grants, rules and rate limits
 * matched by id, tests by name, and a unified diff of the two documents' text. Values are as the documents
 * state them. The same version on both sides gives an empty diff.
 */
public record PolicyDiff(int version, int against, Section grants, Section rules, Section rateLimits, Tests tests,
                         String unified) {

    /** One kind of entry: only in {@code version} (added), only in {@code against} (removed), in both but different. */
    public record Section(List<Entry> added, List<Entry> removed, List<Changed> changed) {}

    /** A whole entry as its document states it. */
    public record Entry(String id, JsonNode value) {}

    /** An entry in both versions, with each of its fields that differs. */
    public record Changed(String id, List<Field> fields) {}

    /** One field of an entry; {@code before} or {@code after} is absent where that document omits the field. */
    public record Field(String name, JsonNode before, JsonNode after) {}

    /** Test names only in {@code version} (added) or only in {@code against} (removed). */
    public record Tests(List<String> added, List<String> removed) {}
}
