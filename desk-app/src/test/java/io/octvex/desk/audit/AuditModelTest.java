package io.octvex.desk.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Problem;
import io.octvex.protocol.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit model against a fake server: filtering across pages, verification, export. */
class AuditModelTest {
    private static final UUID WS = UUID.randomUUID();
    private static final UUID ADA = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final UUID RUN = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");

    private final FakeApi api = new FakeApi();
    // Berlin on purpose: local times typed in the search are read in the clock's zone, not UTC
    private final AuditModel model = new AuditModel(api, Runnable::run, Runnable::run,
            Clock.fixed(T0, ZoneId.of("Europe/Berlin")));

    @Test
    void searchesEveryPageByRunTypePrincipalAndTimeNewestFirst() {
        for (int i = 1; i <= 2500; i++) { // three pages of 1000
            api.events.add(event(i, i % 2 == 0 ? "approval.requested" : "run.transitioned",
                    i % 3 == 0 ? ADA : BOB, i % 5 == 0 ? RUN : null, T0.plusSeconds(60L * i)));
        }

        model.search(RUN.toString(), "approval.", "ada", "", "");

        // even (approval.*), multiple of 3 (ada) and of 5 (the run): multiples of 30 up to 2490
        assertThat(model.rows()).hasSize(83);
        assertThat(model.rows().getFirst().event().seq()).isEqualTo(2490);
        assertThat(model.rows().getLast().event().seq()).isEqualTo(30);
        assertThat(model.rows().getFirst().principal()).isEqualTo("ada");
        assertThat(api.pagesAsked).containsExactly(0L, 1000L, 2000L);
        assertThat(model.noticeProperty().get().text()).isEqualTo("83 of 2500 events match.");

        // local times in the clock's zone (Berlin is UTC+1 in November): 09:10 local is 08:10Z, seq 10
        model.search("", "run.*", "", "2026-11-24 09:10", "2026-11-24 09:20");
        assertThat(model.rows()).extracting(r -> r.event().seq()).containsExactly(19L, 17L, 15L, 13L, 11L);
    }

    @Test
    void aFieldThatCannotBeReadIsSaidAndNothingIsAsked() {
        model.search("not-a-run", "", "", "", "");
        assertThat(model.noticeProperty().get()).isEqualTo(new AuditModel.Notice(
                "Run must be a run id (a UUID), not 'not-a-run'.", true));
        model.search("", "", "", "tomorrow", "");
        assertThat(model.noticeProperty().get().text()).startsWith("From must be a time such as");
        model.search("", "", "", "2026-11-25", "2026-11-24");
        assertThat(model.noticeProperty().get().text()).isEqualTo("From must be before To.");
        assertThat(api.pagesAsked).isEmpty();
    }

    @Test
    void verifySaysOkWithTheCountOrWhereTheChainBreaks() {
        api.report = new ChainReport(WS, true, 42, null, null);
        model.verify();
        assertThat(model.chainProperty().get()).isEqualTo(new AuditModel.Notice("Chain intact: 42 events checked.",
                false));

        api.report = new ChainReport(WS, false, 17, 17L, "hash mismatch");
        model.verify();
        assertThat(model.chainProperty().get()).isEqualTo(new AuditModel.Notice(
                "Chain broken at event 17 (17 checked): hash mismatch", true));

        api.failure = new OctvexApiException(new Problem("about:blank", "Forbidden", 403, "needs events:read", null));
        model.verify();
        assertThat(model.chainProperty().get()).isEqualTo(new AuditModel.Notice(
                "Verification failed: Not allowed: needs events:read", true));
        assertThat(model.busyProperty().get()).isFalse();
    }

    @Test
    void exportWritesTheResultsOldestFirstAsJsonLines(@TempDir Path dir) throws Exception {
        api.events.add(event(1, "run.submitted", ADA, RUN, T0));
        api.events.add(event(2, "run.transitioned", BOB, RUN, T0.plusSeconds(1)));
        api.events.add(event(3, "approval.requested", ADA, RUN, T0.plusSeconds(2)));
        model.search("", "run.", "", "", "");

        Path file = dir.resolve("audit.jsonl");
        model.export(file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(Json.read(lines.get(0), EventView.class)).isEqualTo(api.events.get(0));
        assertThat(Json.read(lines.get(1), EventView.class)).isEqualTo(api.events.get(1));
        assertThat(model.noticeProperty().get().text()).isEqualTo("Exported 2 events to " + file + ".");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void aFailedExportSaysSoAndLeavesNothing(@TempDir Path dir) {
        api.events.add(event(1, "run.submitted", ADA, RUN, T0));
        model.search("", "", "", "", "");
        model.export(dir.resolve("missing-folder/audit.jsonl"));
        assertThat(model.noticeProperty().get().problem()).isTrue();
        assertThat(model.noticeProperty().get().text()).startsWith("Export failed, nothing written to ");
        assertThat(dir.resolve("missing-folder")).doesNotExist();
    }

    private static EventView event(long seq, String type, UUID who, UUID run, Instant at) {
        return new EventView(WS, seq, UUID.randomUUID(), type, run, null, who, at, Json.tree("{\"n\":" + seq + "}"),
                "p" + seq, "h" + seq);
    }

    private static final class FakeApi implements AuditApi {
        final List<EventView> events = new ArrayList<>();
        final List<Long> pagesAsked = new ArrayList<>();
        ChainReport report;
        RuntimeException failure;

        @Override
        public EventPage events(long afterSeq, int limit) {
            pagesAsked.add(afterSeq);
            List<EventView> after = events.stream().filter(e -> e.seq() > afterSeq).toList();
            List<EventView> page = after.stream().limit(limit).toList();
            return new EventPage(page, page.isEmpty() ? afterSeq : page.getLast().seq(), after.size() > limit);
        }

        @Override
        public ChainReport verify() {
            if (failure != null) {
                throw failure;
            }
            return report;
        }

        @Override
        public List<MemberView> members() {
            return List.of(member(ADA, "ada"), member(BOB, "bob"));
        }

        private static MemberView member(UUID id, String name) {
            return new MemberView(new PrincipalView(id, PrincipalKind.USER, name, null, false, T0),
                    List.of(Role.VIEWER), T0);
        }
    }
}
