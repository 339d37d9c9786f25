package io.octvex.desk.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A notification for an approval whose rule asks for a step-up offers "Approve with security key…" (the
 * browser ceremony) instead of a plain Approve, and no action of it ever sends a plain vote.
 */
class DbusNotifierTest {
    private static final String EVIDENCE = """
            {"method": "POST", "resource": "https://approve.example/things", "rule": "sign-off",
             "message": "needs a human", "requestedBy": {"name": "agent-7"}%s}""";

    private static ApprovalItem item(boolean stepUp) {
        ApprovalView view = new ApprovalView(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID(), ApprovalStatus.PENDING,
                Json.tree(EVIDENCE.formatted(stepUp ? ", \"stepUp\": \"webauthn\"" : "")), UUID.randomUUID(),
                Role.APPROVER, 1, 0, Instant.now(), Instant.now().plusSeconds(3600), null, null, null, List.of());
        return new ApprovalItem(view.id(), "POST", "https://approve.example/things", "", "sign-off", "needs a human",
                "agent-7", view.runId(), "", "", 0, 1, "approver", view.expiresAt(), List.of(), view);
    }

    /** Records which action ran; the security-key action as the interface's default handles it. */
    private static class Recorder implements DeskNotifications.Actions {
        final List<String> calls = new ArrayList<>();

        @Override
        public void open(ApprovalItem item) {
            calls.add("open");
        }

        @Override
        public void approve(ApprovalItem item) {
            calls.add("approve");
        }

        @Override
        public void deny(ApprovalItem item) {
            calls.add("deny");
        }
    }

    /** Records which action ran, the security-key action too. */
    private static final class KeyRecorder extends Recorder {
        @Override
        public void approveWithSecurityKey(ApprovalItem item) {
            calls.add("security key");
        }
    }

    @Test
    void aStepUpApprovalOffersTheSecurityKeyCeremonyInsteadOfAPlainApprove() {
        assertThat(DbusNotifier.actionKeys(item(true))).containsExactly("default", "Open",
                DbusNotifier.APPROVE_WITH_KEY, "Approve with security key…", "deny", "Deny…");
        assertThat(DbusNotifier.actionKeys(item(false))).containsExactly("default", "Open", "approve", "Approve",
                "deny", "Deny…");
        assertThat(Alert.of(item(true)).body()).endsWith("Approving needs your security key (in your browser)");
        assertThat(Alert.of(item(false)).body()).doesNotContain("security key");
    }

    @Test
    void everyApproveOfAStepUpApprovalGoesToTheCeremony() {
        var actions = new KeyRecorder();
        ApprovalItem stepUp = item(true);
        DbusNotifier.dispatch(DbusNotifier.APPROVE_WITH_KEY, stepUp, actions);
        DbusNotifier.dispatch("approve", stepUp, actions); // an older notification's plain Approve
        DbusNotifier.dispatch("deny", stepUp, actions);
        DbusNotifier.dispatch("default", stepUp, actions);
        assertThat(actions.calls).containsExactly("security key", "security key", "deny", "open");

        var plain = new KeyRecorder();
        DbusNotifier.dispatch("approve", item(false), plain);
        assertThat(plain.calls).containsExactly("approve");
    }

    @Test
    void withoutItsOwnHandlingTheSecurityKeyActionOpensTheDeskOnTheApproval() {
        var minimal = new Recorder();
        DbusNotifier.dispatch(DbusNotifier.APPROVE_WITH_KEY, item(true), minimal);
        assertThat(minimal.calls).containsExactly("open");
    }
}
