package io.octvex.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.CreateToken;
import io.octvex.protocol.IssuedToken;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import io.octvex.protocol.WorkspaceView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the product as a user would: start the server jar on a fresh home, log in, create a workspace and a
 * token, submit a run, work its steps, read its timeline; then restart on the same data and find it all.
 */
class ServerJarIT {
    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aUserGetsFromAFreshHomeToARunTimelineAndItSurvivesARestart() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        RunView run;
        WorkspaceView workspace;
        String agentToken;
        try (ServerProcess server = ServerProcess.start(home)) {
            String url = server.awaitUrl(START);
            assertThat(server.output()).contains("admin").doesNotContain(ServerProcess.ADMIN_PASSWORD);

            OctvexClient anonymous = OctvexClient.connect(url);
            OctvexClient admin = anonymous.withToken(anonymous.login("admin", ServerProcess.ADMIN_PASSWORD).token());
            assertThat(admin.workspaces()).extracting(WorkspaceView::name).contains("default");

            workspace = admin.createWorkspace("billing-prod");
            IssuedToken token = admin.createToken(workspace.id(), new CreateToken("ci agent",
                    List.of(Scope.RUNS_READ, Scope.RUNS_WRITE, Scope.RUNS_EXECUTE, Scope.EVENTS_READ), null, null));
            agentToken = token.secret();
            OctvexClient agent = anonymous.withToken(agentToken);

            run = agent.submitRun(workspace.id(), new SubmitRun("fetch invoices", Json.tree("{\"month\":\"2026-10\"}"),
                    List.of(new StepSpec("fetch", "http", "GET https://billing.example.com/invoices", null, null),
                            new StepSpec("summarise", "noop", "summarise", null, List.of("fetch")))));
            assertThat(run.status()).isEqualTo(RunStatus.QUEUED);

            RunView cancelled = agent.cancelRun(workspace.id(), run.id(), "month closed");
            assertThat(cancelled.steps()).extracting(s -> s.status()).containsOnly(StepStatus.CANCELLED);

            Timeline timeline = agent.timeline(workspace.id(), run.id());
            assertThat(timeline.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(timeline.entries()).extracting(TimelineEntry::type)
                    .startsWith("run.created").contains("run.transitioned", "step.transitioned");
            assertThat(agent.verifyChain(workspace.id()).intact()).isTrue();

            // a second server on the same home is refused with a clear message, and the first keeps serving
            try (ServerProcess second = ServerProcess.start(home)) {
                assertThat(second.awaitExit(START)).isNotZero();
                assertThat(second.output()).contains("Another Octvex server is already using the database");
            }
            assertThat(agent.run(workspace.id(), run.id()).status()).isEqualTo(RunStatus.CANCELLED);
            server.stop();
        }

        try (ServerProcess restarted = ServerProcess.start(home)) {
            OctvexClient agent = OctvexClient.connect(restarted.awaitUrl(START)).withToken(agentToken);
            RunView again = agent.run(workspace.id(), run.id());
            assertThat(again.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(again.steps().getFirst().status()).isEqualTo(StepStatus.CANCELLED);
            assertThat(agent.verifyChain(workspace.id()).intact()).isTrue();
            assertThat(restarted.output()).doesNotContain("Octvex is ready"); // first-start banner only once
            assertThatThrownBy(() -> OctvexClient.connect(agent.baseUri().toString()).withToken("ovx_not-a-token")
                    .workspaces()).isInstanceOfSatisfying(OctvexApiException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
    }
}
