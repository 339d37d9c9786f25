package io.octvex.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimelinesTest {
    private static final UUID RUN = UUID.randomUUID();
    private static long seq;

    private static EventView event(String type, String data) {
        return new EventView(UUID.randomUUID(), ++seq, UUID.randomUUID(), type, RUN, null, null,
                Instant.parse("2026-11-23T10:00:00Z").plusSeconds(seq), Json.tree(data), "p", "h");
    }

    @Test
    void aLeasedRunReadsAsItHappened() {
        Timeline timeline = Timelines.of(RUN, List.of(
                event("run.created", "{\"title\":\"invoices\",\"steps\":[{\"key\":\"fetch\"}]}"),
                event("run.transitioned", "{\"from\":\"planning\",\"to\":\"queued\",\"reason\":\"submitted\"}"),
                event("step.placed", "{\"key\":\"fetch\",\"from\":\"queued\",\"to\":\"running\",\"attempt\":2,"
                        + "\"edgeName\":\"vpc-1\",\"score\":0.8731}"),
                event("step.placed", "{\"key\":\"fetch\",\"edgeName\":\"vpc-1\",\"score\":0.8731}"), // before ADR 0040
                event("step.progress", "{\"key\":\"fetch\",\"message\":\"page 2 of 4\",\"percent\":50}"),
                event("lease.expired", "{\"key\":\"fetch\",\"outcome\":\"requeued\"}"),
                event("lease.fenced", "{\"key\":\"fetch\",\"epoch\":1,\"currentEpoch\":2}"),
                event("step.artifact", "{\"key\":\"fetch\",\"name\":\"shot.png\",\"size\":2048}"),
                event("run.transitioned", "{\"from\":\"running\",\"to\":\"completed\"}"),
                event("something.new", "{}")));

        assertThat(timeline.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(timeline.entries()).extracting(TimelineEntry::summary).containsExactly(
                "Run created: invoices (1 step)",
                "Run planning → queued: submitted",
                "Step fetch queued → running on edge vpc-1 (score 0.87) (attempt 2)",
                "Step fetch placed on edge vpc-1 (score 0.87)",
                "Step fetch: page 2 of 4 (50%)",
                "Lease on step fetch expired (edge lost); offered again",
                "A late report for step fetch (epoch 1, now 2) was refused",
                "Step fetch produced shot.png (2048 bytes)",
                "Run running → completed",
                "something new");
        assertThat(timeline.entries()).extracting(TimelineEntry::stepKey).containsOnly(null, "fetch");
    }

    @Test
    void gateDecisionsAndApprovalsReadAsSentences() {
        Timeline timeline = Timelines.of(RUN, List.of(
                event("policy.decided", """
                        {"policyVersion":3,"effect":"require_approval","decidedBy":"sign-off",
                         "input":{"action":"http.request","resource":"https://pay.example/x"}}"""),
                event("approval.requested", """
                        {"quorum":2,"approverRole":"approver","expiresAt":"2026-11-23T11:00:00Z",
                         "evidence":{"method":"POST","resource":"https://pay.example/x","message":"look first"}}"""),
                event("approval.voted", "{\"vote\":\"approve\",\"approvals\":1,\"quorum\":2,\"reason\":\"ok\"}"),
                event("approval.approved", "{\"outcome\":\"approved by 2 approvers\"}"),
                event("approval.used", "{\"as\":\"approved for this step\"}"),
                event("approval.refused", "{\"reason\":\"approval x is already approved\"}"),
                event("credential.leased", "{\"secret\":\"billing-api\",\"as\":\"bearer\",\"edgeId\":\"e1\"}"),
                event("secret.accessed", "{\"name\":\"billing-api\",\"action\":\"credential.use\",\"edgeId\":\"e1\"}")));

        assertThat(timeline.entries()).extracting(TimelineEntry::summary).containsExactly(
                "Policy v3: require_approval http.request https://pay.example/x (sign-off)",
                "Approval asked (2 × approver, until 2026-11-23T11:00:00Z): POST https://pay.example/x — look first",
                "Approval vote: approve (1/2): ok",
                "Approval approved: approved by 2 approvers",
                "Approved action let through (approved for this step)",
                "An answer to an approval was refused: approval x is already approved",
                "Credential 'billing-api' leased to edge e1 (bearer)",
                "Secret 'billing-api' opened for credential.use, sealed to edge e1");
    }
}
