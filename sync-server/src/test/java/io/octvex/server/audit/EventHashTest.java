package io.octvex.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An event's hash is pinned: chains stored by every earlier build must keep verifying. */
class EventHashTest {

    @Test
    void theHashOfAnEventIsTheOneEveryEarlierBuildComputed() {
        EventView event = new EventView(UUID.fromString("481e0573-29e6-4d6e-95a8-ddcbbbd57088"), 1222,
                UUID.fromString("65009c05-7372-4efe-87d1-0a450588a791"), "step.placed",
                UUID.fromString("b0929ccc-b287-47df-bc2a-6472c245c6c5"),
                UUID.fromString("0b51b638-e3bd-47ac-8749-eac561741ddb"), null,
                Instant.parse("2026-11-24T17:15:15.976109Z"), Json.tree("""
                        {"key": "noop", "edgeId": "81622ae2-db2a-40ad-bd44-b7bc1613eefb", "score": 0.75,
                         "breakdown": {"load": -0.25, "labels": 1}, "rule": "best score", "epoch": 3,
                         "attempt": 1, "note": "caf\\u00e9 \\"quoted\\" \\ud83d\\ude00", "none": null,
                         "candidates": [{"edgeId": "b", "score": 1e-7}, {"score": 12345678901234, "edgeId": "a"}]}"""),
                "993dd875b36b2b2541eec867fa9d6f5a6a1e5b062dff52051313f464a42873bb", null);
        assertThat(AuditLog.hash(event)).isEqualTo("61e9a2daf0c249e705fff4b1b2f3de33e4294d83a9d773dbf38a2454126eebaa");
    }

    @Test
    void anEventOfNoRunHasTheHashEveryEarlierBuildComputed() {
        EventView event = new EventView(UUID.fromString("481e0573-29e6-4d6e-95a8-ddcbbbd57088"), 7,
                UUID.fromString("0e8a3c1e-7f6d-4d07-9a5a-3bb0c2b6f0d1"), "vault.secret_created", null, null,
                UUID.fromString("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"), Instant.parse("2026-11-25T07:00:00Z"),
                Json.tree("{}"), AuditLog.GENESIS, null);
        assertThat(AuditLog.hash(event)).isEqualTo("c8dac609188532888b4de19f473d08a97c7e3611f16bab926cec8e7c10ebae35");
    }
}
