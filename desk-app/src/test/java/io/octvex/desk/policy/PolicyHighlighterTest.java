package io.octvex.desk.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.fxmisc.richtext.model.StyleSpan;
import org.fxmisc.richtext.model.StyleSpans;
import org.junit.jupiter.api.Test;

/** The policy editor's highlighting: which stretches of a sample get which style. */
class PolicyHighlighterTest {
    private static final String SAMPLE = """
            # who may do what
            version: 1
            rules:
              - id: billing-deletes
                when: 'request.method == "DELETE" && !(request.host in ["a.example"])'  # the CEL part
                message: don't delete "billing" data
                approval: {role: approver, quorum: 1}
            """;

    /** The styled stretches, as "style:text", in order. */
    private static List<String> styled(String text) {
        StyleSpans<Collection<String>> spans = PolicyHighlighter.highlight(text);
        assertThat(spans.length()).as("the spans cover the text").isEqualTo(text.length());
        List<String> found = new ArrayList<>();
        int at = 0;
        for (StyleSpan<Collection<String>> span : spans) {
            if (!span.getStyle().isEmpty()) {
                found.add(String.join(",", span.getStyle()) + ":" + text.substring(at, at + span.getLength()));
            }
            at += span.getLength();
        }
        return found;
    }

    @Test
    void stylesKeysStringsCommentsAndTheOperatorsOfAWhen() {
        assertThat(styled(SAMPLE)).containsExactly(
                "policy-comment:# who may do what",
                "policy-key:version",
                "policy-key:rules",
                "policy-key:id",
                "policy-key:when",
                "policy-string:'",
                "policy-operator:==",
                "policy-string:\"DELETE\"",
                "policy-operator:&&",
                "policy-operator:!",
                "policy-operator:in",
                "policy-string:\"a.example\"",
                "policy-string:'",
                "policy-comment:# the CEL part",
                "policy-key:message",
                "policy-string:\"billing\"",
                "policy-key:approval",
                "policy-key:role",
                "policy-key:quorum");
    }

    @Test
    void aHalfTypedDraftIsStyledToItsEnd() {
        assertThat(styled("rules:\n  - when: 'a == \"unfinished")).containsExactly(
                "policy-key:rules", "policy-key:when", "policy-string:'", "policy-operator:==",
                "policy-string:\"unfinished");
        assertThat(styled("")).isEmpty();
        assertThat(styled("name: \"open")).containsExactly("policy-key:name", "policy-string:\"open");
    }
}
