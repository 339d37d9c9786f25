package io.octvex.desk.approvals;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.StartStepUp;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** What the inbox needs from the server, in one workspace; blocking calls, made off the FX thread. */
public interface ApprovalsApi {
    List<ApprovalView> approvals(ApprovalStatus status);

    ApprovalView approve(UUID approvalId);

    ApprovalView deny(UUID approvalId, String reason);

    /** The server's ceremony link for approving with a security key (an approval whose rule asks a step-up). */
    default String stepUpLink(UUID approvalId) {
        throw new UnsupportedOperationException("this connection cannot start a step-up");
    }

    /** The workspace's live events after {@code afterSeq}; {@code onOpen} on every (re)connect. */
    AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError, Runnable onOpen);

    static ApprovalsApi of(OctvexClient client, UUID workspaceId) {
        return new ApprovalsApi() {
            @Override
            public List<ApprovalView> approvals(ApprovalStatus status) {
                return client.approvals(workspaceId, status, null);
            }

            @Override
            public ApprovalView approve(UUID approvalId) {
                return client.approve(workspaceId, approvalId, new DecideApproval(null, null));
            }

            @Override
            public ApprovalView deny(UUID approvalId, String reason) {
                return client.deny(workspaceId, approvalId, reason);
            }

            @Override
            public String stepUpLink(UUID approvalId) {
                return client.startStepUp(workspaceId, approvalId, new StartStepUp(null, null)).ceremonyUrl();
            }

            @Override
            public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                           Runnable onOpen) {
                return client.subscribe(workspaceId, afterSeq, onEvent, onError, onOpen);
            }
        };
    }
}
