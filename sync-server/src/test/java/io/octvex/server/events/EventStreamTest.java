package io.octvex.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.octvex.protocol.EventSubscription;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import io.octvex.server.ServerTest;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

@ServerTest
class EventStreamTest {
    @LocalServerPort
    int port;
    @Autowired
    AuditLog auditLog;
    @Autowired
    TransactionTemplate tx;

    String session;
    OctvexClient admin;
    UUID workspace;

    @BeforeEach
    void workspace() {
        OctvexClient client = OctvexClient.connect("http://127.0.0.1:" + port);
        session = client.login("admin", ServerTest.ADMIN_PASSWORD).token();
        admin = client.withToken(session);
        workspace = admin.createWorkspace("stream-" + UUID.randomUUID()).id();
    }

    private long lastSeq() {
        return admin.events(workspace, 0, 1000).lastSeq();
    }

    private void appendEvents(int n) {
        for (int i = 0; i < n; i++) {
            int k = i;
            tx.executeWithoutResult(s -> auditLog.append(workspace, AuditEntry.of("test.streamed", null, Map.of("k", k))));
        }
    }

    @Test
    void aClientThatIsCutOffResumesWithoutLosingOrRepeatingEvents() throws Exception {
        long start = lastSeq();
        List<EventView> received = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (CuttableProxy proxy = new CuttableProxy(port);
             EventSubscription subscription = OctvexClient.connect("http://127.0.0.1:" + proxy.port())
                     .withToken(session).subscribe(workspace, start, received::add, errors::add)) {
            appendEvents(5);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 5);

            proxy.cutAll();
            appendEvents(10); // written while the client is cut off
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 15);
            appendEvents(5);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 20);

            assertThat(errors).as("the cut was noticed").isNotEmpty();
            assertThat(subscription.lastSeq()).isEqualTo(start + 20);
        }
        assertThat(received).extracting(EventView::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, start + 20).boxed().toList());
    }

    @Test
    void lastEventIdResumesExactlyAfterThatEvent() throws Exception {
        appendEvents(6);
        long last = lastSeq();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/workspaces/"
                        + workspace + "/events/stream"))
                .header("Authorization", "Bearer " + session)
                .header("Last-Event-ID", Long.toString(last - 2)).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        try (Stream<String> lines = response.body()) {
            List<String> ids = lines.filter(l -> l.startsWith("id:")).limit(2).toList();
            assertThat(ids).containsExactly("id:" + (last - 1), "id:" + last);
        }
    }

    @Test
    void aStreamRefusesAnotherWorkspace() throws Exception {
        UUID other = UUID.randomUUID();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/workspaces/" + other + "/events/stream"))
                .header("Authorization", "Bearer " + session).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }

}
