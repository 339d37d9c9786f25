package io.octvex.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.octvex.protocol.EventSubscription;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.OctvexServerApplication;
import io.octvex.server.ServerTest;
import io.octvex.server.database.ConnectionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas on one PostgreSQL: a change committed through one reaches a stream served by the other,
 * promptly, through LISTEN/NOTIFY (the second replica's polling fallback is set far beyond the test).
 */
@ServerTest
class MultiReplicaStreamTest {
    @LocalServerPort
    int port;
    @Autowired
    ConnectionSettings database;
    @TempDir
    Path home;

    @Test
    void aStreamOnOneReplicaSeesWhatAnotherCommitted() {
        try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(OctvexServerApplication.class)
                // command-line arguments, as an operator would pass them: they outrank application.yml
                .run("--server.port=0", "--server.address=127.0.0.1", "--octvex.home=" + home, ServerTest.SHARED_ROOT_KEY,
                        "--octvex.database.url=" + database.url(), "--octvex.database.user=" + database.user(),
                        "--octvex.database.password=" + database.password(),
                        "--octvex.api.stream-poll-interval=10m")) {
            int replicaPort = replica.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            OctvexClient first = OctvexClient.connect("http://127.0.0.1:" + port);
            String token = first.login("admin", ServerTest.ADMIN_PASSWORD).token();
            first = first.withToken(token);
            OctvexClient second = OctvexClient.connect("http://127.0.0.1:" + replicaPort).withToken(token);
            UUID ws = first.createWorkspace("replicas-" + UUID.randomUUID()).id();
            long cursor = second.events(ws, 0, 1000).lastSeq();

            List<EventView> seen = new CopyOnWriteArrayList<>();
            try (EventSubscription stream = second.subscribe(ws, cursor, seen::add, e -> { })) {
                await().pollDelay(Duration.ofMillis(300)).until(() -> true); // let the stream settle into its wait
                var run = first.submitRun(ws, new SubmitRun("across replicas", null,
                        List.of(new StepSpec("a", "http", "x", null, null))));
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(
                        e -> e.type().equals("run.created") && run.id().equals(e.runId())));
            }
            assertThat(seen).extracting(EventView::seq).isSorted().doesNotHaveDuplicates();
        }
    }
}
