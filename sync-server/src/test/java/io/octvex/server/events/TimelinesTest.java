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
                event("step.placed", "{\"key\":\"fetch\",\"edgeName\":\"vpc-1\",\"score\":0.8731}"),
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
                "Step fetch placed on edge vpc-1 (score 0.87)",
                "Step fetch: page 2 of 4 (50%)",
                "Lease on step fetch expired (edge lost); offered again",
                "A late report for step fetch (epoch 1, now 2) was refused",
                "Step fetch produced shot.png (2048 bytes)",
                "Run running → completed",
                "something new");
        assertThat(timeline.entries()).extracting(TimelineEntry::stepKey).containsOnly(null, "fetch");
    }
}
