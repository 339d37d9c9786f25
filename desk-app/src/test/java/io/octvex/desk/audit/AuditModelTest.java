package io.octvex.desk.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventSearch;
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

/** The audit model against a fake server: what it asks, paging, verification, export. */
class AuditModelTest {
    private static final UUID WS = UUID.randomUUID();
    private static final UUID ADA = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final UUID RUN = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");

    private final FakeApi api = new FakeApi();
    // Berlin on purpose: local times typed in the search are read in the clock's zone, not UTC; pages of 2
    private final AuditModel model = new AuditModel(api, Runnable::run, Runnable::run,
            Clock.fixed(T0, ZoneId.of("Europe/Berlin")), 2, 2);

    @Test
    void theServerRunsTheSearchAndLoadMorePagesBackWithItsCursor() {
        for (int i = 1; i <= 5; i++) {
            api.events.add(event(i, "approval.requested", i % 2 == 0 ? ADA : BOB, RUN, T0.plusSeconds(60L * i)));
        }

        // local times in the clock's zone (Berlin is UTC+1 in November): 09:10 local is 08:10Z
        model.search(RUN.toString(), " approval. ", "ada", "2026-11-24 09:10", "2026-11-24");

        EventSearch sent = new EventSearch(RUN, "approval.", "ada", Instant.parse("2026-11-24T08:10:00Z"),
                Instant.parse("2026-11-24T23:00:00Z"));
        assertThat(api.asked).containsExactly(new Asked(sent, null));
        assertThat(model.rows()).extracting(r -> r.event().seq()).containsExactly(5L, 4L);
        assertThat(model.rows()).extracting(AuditModel.Row::principal).containsExactly("bob", "ada");
        assertThat(model.moreProperty().get()).isTrue();
        assertThat(model.noticeProperty().get().text())
                .isEqualTo("2 events match so far, newest first: Load more for older ones.");

        model.loadMore();
        model.loadMore();
        assertThat(api.asked).containsExactly(new Asked(sent, null), new Asked(sent, 4L), new Asked(sent, 2L));
        assertThat(model.rows()).extracting(r -> r.event().seq()).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(model.moreProperty().get()).isFalse();
        assertThat(model.noticeProperty().get().text()).isEqualTo("5 events match.");
        model.loadMore(); // nothing older: nothing asked
        assertThat(api.asked).hasSize(3);

        // a new search starts from the newest again
        model.search("", "", "", "", "");
        assertThat(api.asked.getLast()).isEqualTo(new Asked(EventSearch.ALL, null));
        assertThat(model.rows()).extracting(r -> r.event().seq()).containsExactly(5L, 4L);
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
        assertThat(api.asked).isEmpty();
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
    void exportStreamsEveryMatchOldestFirstNotOnlyThePagesShown(@TempDir Path dir) throws Exception {
        for (int i = 1; i <= 5; i++) {
            api.events.add(event(i, "run.transitioned", ADA, RUN, T0.plusSeconds(i)));
        }
        model.export(dir.resolve("early.jsonl"));
        assertThat(model.noticeProperty().get()).isEqualTo(new AuditModel.Notice("Nothing to export: search first.",
                true));
        model.search("", "run.", "", "", "");
        assertThat(model.rows()).hasSize(2);

        Path file = dir.resolve("audit.jsonl");
        model.export(file);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(Json.read(lines.get(i), EventView.class)).isEqualTo(api.events.get(i));
        }
        EventSearch runs = new EventSearch(null, "run.", null, null, null);
        assertThat(api.exported).containsExactly(new Asked(runs, 0L), new Asked(runs, 2L), new Asked(runs, 4L));
        assertThat(model.noticeProperty().get().text()).isEqualTo("Exported 5 events to " + file + ".");
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

    /** One page asked of the server: the search and the cursor. */
    private record Asked(EventSearch search, Long cursor) {}

    /** Answers pages of {@code events} by cursor only: which events match is the server's business. */
    private static final class FakeApi implements AuditApi {
        final List<EventView> events = new ArrayList<>();
        final List<Asked> asked = new ArrayList<>();
        final List<Asked> exported = new ArrayList<>();
        ChainReport report;
        RuntimeException failure;

        @Override
        public EventPage newestFirst(EventSearch search, Long beforeSeq, int limit) {
            asked.add(new Asked(search, beforeSeq));
            List<EventView> before = events.reversed().stream()
                    .filter(e -> beforeSeq == null || e.seq() < beforeSeq).toList();
            List<EventView> page = before.stream().limit(limit).toList();
            return new EventPage(page, page.isEmpty() ? 0 : page.getLast().seq(), before.size() > limit);
        }

        @Override
        public EventPage oldestFirst(EventSearch search, long afterSeq, int limit) {
            exported.add(new Asked(search, afterSeq));
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
