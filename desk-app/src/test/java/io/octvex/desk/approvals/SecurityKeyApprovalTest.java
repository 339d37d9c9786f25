package io.octvex.desk.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.Problem;
import io.octvex.protocol.Role;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** An approval whose rule asks for a step-up is approved in the browser; the Desk never votes for it itself. */
class SecurityKeyApprovalTest {
    private static ApprovalItem item(String evidence) {
        return ApprovalItem.of(new ApprovalView(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID(), ApprovalStatus.PENDING, Json.tree(evidence), UUID.randomUUID(), Role.APPROVER, 1, 0,
                Instant.now(), Instant.now().plusSeconds(3600), null, null, null, List.of()));
    }

    /** Answers step-up links; fails the test if the Desk tries a plain approve. */
    private static final class Api implements ApprovalsApi {
        final List<UUID> asked = new ArrayList<>();
        RuntimeException failure;

        @Override
        public List<ApprovalView> approvals(ApprovalStatus status) {
            return List.of();
        }

        @Override
        public ApprovalView approve(UUID approvalId) {
            throw new AssertionError("a step-up approval must not be approved directly");
        }

        @Override
        public ApprovalView deny(UUID approvalId, String reason) {
            throw new AssertionError("not denied here");
        }

        @Override
        public String stepUpLink(UUID approvalId) {
            asked.add(approvalId);
            if (failure != null) {
                throw failure;
            }
            return "http://localhost:7700/webauthn/ceremony.html#ticket=" + "t".repeat(43);
        }

        @Override
        public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                       Runnable onOpen) {
            return () -> {};
        }
    }

    @Test
    void theMarkerComesFromTheEvidence() {
        assertThat(item("{\"method\": \"POST\", \"resource\": \"https://x.example/\", \"stepUp\": \"webauthn\"}")
                .needsSecurityKey()).isTrue();
        assertThat(item("{\"method\": \"POST\", \"resource\": \"https://x.example/\"}").needsSecurityKey()).isFalse();
    }

    @Test
    void approveOpensTheCeremonyPageInTheBrowser() {
        Api api = new Api();
        List<URI> opened = new ArrayList<>();
        List<String> said = new ArrayList<>();
        ApprovalItem pending = item("{\"method\": \"POST\", \"resource\": \"https://x.example/\", \"stepUp\": \"webauthn\"}");
        new SecurityKeyApproval(api, Runnable::run, Runnable::run, opened::add)
                .approve(pending, (text, problem) -> said.add((problem ? "!" : "") + text));
        assertThat(api.asked).containsExactly(pending.id());
        assertThat(opened).singleElement().satisfies(u -> assertThat(u.getFragment()).startsWith("ticket="));
        assertThat(said).last().asString().startsWith("Approve POST https://x.example/ in your browser");
    }

    @Test
    void aRefusalIsShownAsASentence() {
        Api api = new Api();
        api.failure = new OctvexApiException(new Problem("about:blank", "Conflict", 409,
                "you have no security key registered: register one first", null));
        List<URI> opened = new ArrayList<>();
        List<String> said = new ArrayList<>();
        new SecurityKeyApproval(api, Runnable::run, Runnable::run, opened::add)
                .approve(item("{\"stepUp\": \"webauthn\"}"), (text, problem) -> said.add((problem ? "!" : "") + text));
        assertThat(opened).isEmpty();
        assertThat(said).last().asString().startsWith("!Approve refused:").contains("no security key registered");
    }
}
