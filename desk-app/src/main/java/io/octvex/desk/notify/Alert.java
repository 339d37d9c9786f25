package io.octvex.desk.notify;

import io.octvex.desk.approvals.ApprovalItem;

/**
 * One notification's text for a new approval. Built only from fields the inbox shows (action, masked
 * resource, rule, run, requester), never from the step's input: a secret in the input cannot reach the
 * notification centre's history.
 */
record Alert(ApprovalItem item, String summary, String body) {

    static Alert of(ApprovalItem item) {
        String summary = "Approval needed: " + item.what();
        String run = item.runTitle().isEmpty() ? "" : "Run “" + item.runTitle() + "”"
                + (item.stepKey().isEmpty() ? "" : " / " + item.stepKey());
        String body = String.join("\n", java.util.stream.Stream.of(
                        item.rule().isEmpty() ? "" : "Rule " + item.rule() + ": " + item.message(),
                        run,
                        "Requested by " + item.requester() + " · " + item.approvals() + "/" + item.quorum()
                                + " × " + item.approverRole(),
                        item.needsSecurityKey() ? "Approving needs your security key (in your browser)" : "")
                .filter(line -> !line.isBlank()).toList());
        return new Alert(item, summary, body);
    }
}
