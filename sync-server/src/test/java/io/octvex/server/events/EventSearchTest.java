package io.octvex.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventSearch;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.server.ServerTest;
import io.octvex.server.TestClock;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code GET …/events} with filters, over real HTTP against a fresh workspace of known events. */
@ServerTest
class EventSearchTest {
    @LocalServerPort int port;
    @Autowired AuditLog auditLog;
    @Autowired TransactionTemplate tx;
    @Autowired TestClock clock;

    OctvexClient client;
    String token;
    UUID ws;
    UUID other;
    UUID admin;
    final UUID run = UUID.randomUUID();
    final UUID stranger = UUID.randomUUID();
    Instant start;

    @BeforeEach
    void events() {
        OctvexClient anonymous = OctvexClient.connect("http://127.0.0.1:" + port);
        token = anonymous.login("admin", ServerTest.ADMIN_PASSWORD).token();
        client = anonymous.withToken(token);
        admin = client.me().id();
        ws = client.createWorkspace("search-" + UUID.randomUUID().toString().substring(0, 8)).id();
        other = client.createWorkspace("search-other-" + UUID.randomUUID().toString().substring(0, 8)).id();
        start = clock.instant();
        // an hour apart; each carries its number n
        append(ws, AuditEntry.ofRun("run.transitioned", run, null, admin, Map.of("n", 1)));
        append(ws, AuditEntry.ofRun("approval.requested", run, null, stranger, Map.of("n", 2)));
        append(ws, AuditEntry.of("approval.voted", admin, Map.of("n", 3)));
        append(ws, AuditEntry.of("approvals_x.noted", stranger, Map.of("n", 4)));
        append(ws, AuditEntry.ofRun("run.transitioned", run, null, stranger, Map.of("n", 5)));
        // the same run id and principal in another workspace: never found from ws
        append(other, AuditEntry.ofRun("run.transitioned", run, null, admin, Map.of("n", 99)));
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private void append(UUID workspace, AuditEntry entry) {
        clock.advance(Duration.ofHours(1));
        tx.executeWithoutResult(s -> auditLog.append(workspace, entry));
    }

    private List<Integer> ns(EventPage page) {
        return page.events().stream().filter(e -> e.data().has("n")).map(e -> e.data().get("n").asInt()).toList();
    }

    private List<Integer> search(EventSearch search) {
        return ns(client.events(ws, search, 0, 1000));
    }

    @Test
    void filtersByRunTypePrincipalAndTime() {
        assertThat(search(new EventSearch(run, null, null, null, null))).containsExactly(1, 2, 5);
        assertThat(search(new EventSearch(null, "run.transitioned", null, null, null))).containsExactly(1, 5);
        assertThat(search(new EventSearch(null, "approval.", null, null, null))).containsExactly(2, 3);
        assertThat(search(new EventSearch(null, "approval.*", null, null, null))).containsExactly(2, 3);
        // a '*' without a '.' is a plain prefix: approvals_x.noted starts with "approval" too
        assertThat(search(new EventSearch(null, "approval*", null, null, null))).containsExactly(2, 3, 4);
        // '_' is a literal, not LIKE's any-character
        assertThat(search(new EventSearch(null, "approvals_*", null, null, null))).containsExactly(4);
        assertThat(search(new EventSearch(null, "approval", null, null, null))).isEmpty();
        assertThat(search(new EventSearch(null, null, admin.toString(), null, null))).containsExactly(1, 3);
        assertThat(search(new EventSearch(null, null, "ADMIN", null, null))).containsExactly(1, 3);
        assertThat(search(new EventSearch(null, null, stranger.toString(), null, null))).containsExactly(2, 4, 5);
        assertThat(search(new EventSearch(null, null, "nobody-" + UUID.randomUUID(), null, null))).isEmpty();
        // event n was stamped n hours (and a moment) after start
        Instant second = start.plus(Duration.ofHours(2)).minusSeconds(60);
        Instant fourth = start.plus(Duration.ofHours(4)).minusSeconds(60);
        assertThat(search(new EventSearch(null, null, null, second, null))).containsExactly(2, 3, 4, 5);
        assertThat(search(new EventSearch(null, null, null, null, second))).containsExactly(1);
        assertThat(search(new EventSearch(null, null, null, second, fourth))).containsExactly(2, 3);
        assertThat(search(new EventSearch(run, "run.", stranger.toString(), second, null))).containsExactly(5);
    }

    @Test
    void pagesBothWaysWithTheCursor() {
        List<Integer> oldestFirst = new ArrayList<>();
        EventPage page = client.events(ws, EventSearch.ALL, 0, 2);
        oldestFirst.addAll(ns(page));
        while (page.more()) {
            page = client.events(ws, EventSearch.ALL, page.lastSeq(), 2);
            oldestFirst.addAll(ns(page));
        }
        assertThat(oldestFirst).containsExactly(1, 2, 3, 4, 5);

        List<Integer> newestFirst = new ArrayList<>();
        EventSearch stranger = new EventSearch(null, null, this.stranger.toString(), null, null);
        page = client.eventsNewestFirst(ws, stranger, null, 2);
        assertThat(page.more()).isTrue();
        newestFirst.addAll(ns(page));
        page = client.eventsNewestFirst(ws, stranger, page.lastSeq(), 2);
        newestFirst.addAll(ns(page));
        assertThat(page.more()).isFalse();
        assertThat(newestFirst).containsExactly(5, 4, 2);
    }

    @Test
    void anotherWorkspacesEventsAreNeverFound() {
        assertThat(search(new EventSearch(run, null, null, null, null))).doesNotContain(99);
        assertThat(ns(client.events(other, new EventSearch(run, null, null, null, null), 0, 100))).containsExactly(99);
        List<EventView> all = client.eventsNewestFirst(ws, new EventSearch(null, null, admin.toString(), null, null),
                null, 1000).events();
        assertThat(all).allMatch(e -> e.workspaceId().equals(ws));
        // the other workspace's id in the path for a caller who is not its member: no such workspace
        OctvexClient outsider = outsider();
        assertThatThrownBy(() -> outsider.events(ws, new EventSearch(run, null, null, null, null), 0, 10))
                .isInstanceOfSatisfying(OctvexApiException.class, e -> assertThat(e.status()).isIn(403, 404));
    }

    private OctvexClient outsider() {
        UUID home = client.createWorkspace("search-outsider-" + UUID.randomUUID().toString().substring(0, 8)).id();
        String name = "outsider" + UUID.randomUUID().toString().substring(0, 8);
        client.createPrincipal(home, new io.octvex.protocol.CreatePrincipal(io.octvex.protocol.PrincipalKind.USER,
                name, null, "a long enough password 1", List.of(io.octvex.protocol.Role.VIEWER)));
        return OctvexClient.connect("http://127.0.0.1:" + port)
                .withToken(OctvexClient.connect("http://127.0.0.1:" + port).login(name, "a long enough password 1").token());
    }

    @Test
    void badValuesAreRefusedWithASentence() throws Exception {
        String events = "/api/v1/workspaces/" + ws + "/events?";
        assertBad(events + "run=not-a-run", "'run' must be a run id");
        assertBad(events + "type=*", "'type' must be an event type");
        assertBad(events + "type=Run.X", "'type' must be an event type");
        assertBad(events + "type=run..x", "'type' must be an event type");
        assertBad(events + "from=yesterday", "'from' must be an ISO instant");
        assertBad(events + "to=2026-13-01T00:00:00Z", "'to' must be an ISO instant");
        assertBad(events + "from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z", "'from' must be before 'to'");
        assertBad(events + "limit=0", "'limit' must be a whole number between 1 and 1000");
        assertBad(events + "limit=1001", "'limit' must be a whole number between 1 and 1000");
        assertBad(events + "limit=ten", "'limit' must be a whole number");
        assertBad(events + "after=-1", "'after' must be 0 or a sequence number");
        assertBad(events + "order=newest&before=0", "'before' must be the 'lastSeq'");
        assertBad(events + "order=newest&after=3", "with order=newest pass 'before'");
        assertBad(events + "before=3", "'before' pages newest first");
        assertBad(events + "order=sideways", "'order' must be 'oldest'");
        assertBad(events + "principal=" + "x".repeat(101), "'principal' must be");
    }

    private void assertBad(String path, String sentence) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path).isEqualTo(400);
        assertThat(answer.body()).as(path).contains(sentence);
    }
}
