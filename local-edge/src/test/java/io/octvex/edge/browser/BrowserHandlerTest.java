package io.octvex.edge.browser;

import static io.octvex.edge.browser.BrowserFixtures.base;
import static io.octvex.edge.browser.BrowserFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.octvex.edge.browser.BrowserFixtures.RecordingContext;
import io.octvex.edge.handler.StepFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The handler against real Chromium and real local pages; one handler (one warm browser) for the class. */
class BrowserHandlerTest {
    private static HttpServer site;
    private static Path edgeHome;
    private static BrowserHandler handler;
    private static Path scratch;

    @BeforeAll
    static void start() throws Exception {
        BrowserFixtures.keepDriverUnderTarget();
        site = BrowserFixtures.site();
        edgeHome = BrowserFixtures.freshEdgeHome();
        scratch = BrowserFixtures.scratch();
        handler = new BrowserHandler(BrowserFixtures.config(edgeHome, scratch));
    }

    @AfterAll
    static void stop() throws Exception {
        if (handler != null) {
            handler.close();
        }
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void fillsAFormClicksWaitsExtractsWhatThePageComputedAndUploadsAScreenshot() throws Exception {
        var context = new RecordingContext(UUID.randomUUID(), json("""
                {"actions": [
                  {"goto": "%s/form"},
                  {"fill": "#name", "value": "Ada"},
                  {"click": "#go"},
                  {"wait": "#out:not(:empty)"},
                  {"extract": "#out", "as": "greeting"},
                  {"screenshot": "after-greeting"},
                  {"goto": "%s/tall"},
                  {"screenshot": "tall", "fullPage": true}
                ]}""".formatted(base(site), base(site))));

        JsonNode result = handler.run(context);

        assertThat(result.get("extracted").get("greeting").stringValue()).isEqualTo("Hello, ADA (adA, 3)");
        assertThat(result.get("url").stringValue()).isEqualTo(base(site) + "/tall");
        assertThat(result.get("title").stringValue()).isEqualTo("Tall");
        assertThat(result.get("screenshots").size()).isEqualTo(2);
        assertThat(result.get("screenshots").get(0).stringValue()).isEqualTo(context.artifacts.get(0).id());
        assertThat(context.artifacts).extracting(BrowserFixtures.Artifact::name)
                .containsExactly("after-greeting.png", "tall.png");
        assertThat(context.artifacts).allSatisfy(a -> assertThat(a.contentType()).isEqualTo("image/png"));
        assertThat(pngSize(context.artifacts.get(0).content())).containsExactly(1280, 720);
        assertThat(pngSize(context.artifacts.get(1).content())).containsExactly(1280, 2000);
        assertThat(context.progress).hasSize(8).first().asString().startsWith("action 1/8: goto http://127.0.0.1:");
        assertThat(String.join("\n", context.progress)).doesNotContain("Ada"); // filled values are never reported
    }

    @Test
    void aSecretIsFilledFromItsCredentialLeaseAndNothingTheStepReportsShowsIt() throws Exception {
        String canary = "pw-canary-" + UUID.randomUUID().toString().substring(0, 8);
        var ref = new io.octvex.protocol.CredentialRef(UUID.randomUUID(), "portal-login", "field", null, "password");
        var context = new RecordingContext(UUID.randomUUID(), json("""
                {"actions": [{"goto": "%s/secret-form"}, {"fill": "#pw", "secret": "portal-login", "field": "password"},
                             {"extract": "#shown", "as": "shown"}, {"extract": "#pw", "as": "nothing"},
                             {"screenshot": "after"}]}""".formatted(base(site))), java.util.List.of(ref));
        context.materials.put(ref.leaseId(), "{\"value\":\"" + canary + "\"}");

        JsonNode result = handler.run(context);

        assertThat(result.get("extracted").get("shown").stringValue())
                .as("the page printed it; the step reports it redacted").isEqualTo("typed: " + "*".repeat(canary.length()));
        assertThat(result.toString()).doesNotContain(canary);
        assertThat(context.progress.toString()).doesNotContain(canary).contains("from secret portal-login");
        assertThat(context.artifacts).hasSize(1);

        var unleased = new RecordingContext(UUID.randomUUID(), json("""
                {"actions": [{"goto": "%s/secret-form"}, {"fill": "#pw", "secret": "other"}]}""".formatted(base(site))));
        assertThatThrownBy(() -> handler.run(unleased)).isInstanceOf(StepFailure.class)
                .hasMessageContaining("no credential lease for secret 'other'");
    }

    @Test
    void aNavigationTheStepDidNotNameIsPutToTheGateAndARefusalFailsTheStep() throws Exception {
        String actions = """
                {"actions": [{"goto": "%s/links"}, {"click": "#%s"}, {"wait": "body"}]}""";
        var allowed = new RecordingContext(UUID.randomUUID(), json(actions.formatted(base(site), "tall")));
        JsonNode result = handler.run(allowed);
        assertThat(result.get("title").stringValue()).isEqualTo("Tall");
        assertThat(allowed.asked).containsExactly("browser.navigate " + base(site) + "/tall");

        var refused = new RecordingContext(UUID.randomUUID(), json(actions.formatted(base(site), "who")));
        refused.refuse.add(base(site) + "/whoami");
        assertThatThrownBy(() -> handler.run(refused)).isInstanceOf(StepFailure.class)
                .hasMessageStartingWith("denied by policy ('test')");
    }

    @Test
    void persistentSandboxKeepsCookiesAndLocalStorageAcrossRunsEncryptedAtRest() throws Exception {
        UUID workspace = UUID.randomUUID();
        String sandbox = "\"sandbox\": {\"mode\": \"persistent\", \"name\": \"crm\"}";
        handler.run(new RecordingContext(workspace, json("""
                {%s, "actions": [{"goto": "%s/login"}, {"click": "#login"}, {"wait": "#done:not(:empty)"}]}"""
                .formatted(sandbox, base(site)))));

        JsonNode second = handler.run(new RecordingContext(workspace, json("""
                {%s, "actions": [{"goto": "%s/whoami"}, {"extract": "#who", "as": "who"}]}"""
                .formatted(sandbox, base(site)))));
        assertThat(second.get("extracted").get("who").stringValue())
                .isEqualTo("cookie=[session=sekrit-cookie-value-4711] user=[ada-lovelace]");

        Path state = edgeHome.resolve("sandboxes").resolve(workspace.toString()).resolve("crm.state");
        byte[] sealed = Files.readAllBytes(state);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1))
                .doesNotContain("sekrit-cookie-value-4711").doesNotContain("ada-lovelace").doesNotContain("session");
        Path key = edgeHome.resolve("sandbox.key");
        assertThat(Files.size(key)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rw-------");
    }

    @Test
    void transientRunsAndOtherWorkspacesStartEmpty() throws Exception {
        UUID workspace = UUID.randomUUID();
        handler.run(new RecordingContext(workspace, json("""
                {"sandbox": {"mode": "persistent", "name": "crm"},
                 "actions": [{"goto": "%s/login"}, {"click": "#login"}, {"wait": "#done:not(:empty)"}]}"""
                .formatted(base(site)))));

        String whoami = """
                {%s "actions": [{"goto": "%s/whoami"}, {"extract": "#who", "as": "who"}]}""";
        JsonNode transientRun = handler.run(new RecordingContext(workspace,
                json(whoami.formatted("", base(site)))));
        JsonNode explicitTransient = handler.run(new RecordingContext(workspace,
                json(whoami.formatted("\"sandbox\": {\"mode\": \"transient\"},", base(site)))));
        JsonNode otherWorkspace = handler.run(new RecordingContext(UUID.randomUUID(),
                json(whoami.formatted("\"sandbox\": {\"mode\": \"persistent\", \"name\": \"crm\"},", base(site)))));

        for (JsonNode result : new JsonNode[] {transientRun, explicitTransient, otherWorkspace}) {
            assertThat(result.get("extracted").get("who").stringValue()).isEqualTo("cookie=[] user=[]");
        }
    }

    @Test
    void stateIsSavedEvenWhenALaterActionFailsAndTheFailureNamesTheAction() throws Exception {
        UUID workspace = UUID.randomUUID();
        String sandbox = "\"sandbox\": {\"mode\": \"persistent\", \"name\": \"flaky\"}";
        int closed = closedPort();
        assertThatThrownBy(() -> handler.run(new RecordingContext(workspace, json("""
                {%s, "actions": [{"goto": "%s/login"}, {"click": "#login"},
                                 {"goto": "http://127.0.0.1:%d/gone?session=abc"}]}"""
                .formatted(sandbox, base(site), closed)))))
                .isInstanceOf(StepFailure.class)
                .hasMessage("action 3 (goto http://127.0.0.1:%d/gone): net::ERR_CONNECTION_REFUSED at "
                        + "http://127.0.0.1:%d/gone", closed, closed);

        JsonNode next = handler.run(new RecordingContext(workspace, json("""
                {%s, "actions": [{"goto": "%s/whoami"}, {"extract": "#who", "as": "who"}]}"""
                .formatted(sandbox, base(site)))));
        assertThat(next.get("extracted").get("who").stringValue()).contains("sekrit-cookie-value-4711");
    }

    @Test
    void aSelectorThatNeverAppearsFailsWithinTheActionTimeout() throws Exception {
        long started = System.nanoTime();
        assertThatThrownBy(() -> handler.run(new RecordingContext(UUID.randomUUID(), json("""
                {"actions": [{"goto": "%s/form"}, {"click": "#no-such-button"}]}""".formatted(base(site))))))
                .isInstanceOf(StepFailure.class)
                .hasMessageStartingWith("action 2 (click '#no-such-button'): ")
                .hasMessageContaining("Timeout 5000ms exceeded");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(15_000);
    }

    @Test
    void aStateFileMovedToAnotherWorkspaceOrNameOrTamperedWithIsRefused() throws Exception {
        UUID workspace = UUID.randomUUID();
        handler.run(new RecordingContext(workspace, json("""
                {"sandbox": {"mode": "persistent", "name": "origin"},
                 "actions": [{"goto": "%s/login"}, {"click": "#login"}, {"wait": "#done:not(:empty)"}]}"""
                .formatted(base(site)))));
        Path sandboxes = edgeHome.resolve("sandboxes");
        Path original = sandboxes.resolve(workspace.toString()).resolve("origin.state");

        UUID thief = UUID.randomUUID();
        Files.createDirectories(sandboxes.resolve(thief.toString()));
        Files.copy(original, sandboxes.resolve(thief.toString()).resolve("origin.state"));
        Files.copy(original, sandboxes.resolve(workspace.toString()).resolve("renamed.state"));
        Path tampered = sandboxes.resolve(workspace.toString()).resolve("tampered.state");
        byte[] bytes = Files.readAllBytes(original);
        bytes[bytes.length - 20] ^= 1;
        Files.write(tampered, bytes);

        String use = """
                {"sandbox": {"mode": "persistent", "name": "%s"}, "actions": [{"goto": "%s/whoami"}]}""";
        assertThatThrownBy(() -> handler.run(new RecordingContext(thief, json(use.formatted("origin", base(site))))))
                .isInstanceOf(StepFailure.class)
                .hasMessageContaining("sandbox 'origin': its saved state cannot be used")
                .hasMessageContaining("copied from another workspace or sandbox");
        assertThatThrownBy(() -> handler.run(new RecordingContext(workspace,
                json(use.formatted("renamed", base(site))))))
                .hasMessageContaining("sandbox 'renamed': its saved state cannot be used");
        assertThatThrownBy(() -> handler.run(new RecordingContext(workspace,
                json(use.formatted("tampered", base(site))))))
                .hasMessageContaining("sandbox 'tampered': its saved state cannot be used");
        // a refused state is left as it was, for the operator to inspect or delete
        assertThat(Files.readAllBytes(tampered)).isEqualTo(bytes);
        JsonNode own = handler.run(new RecordingContext(workspace, json("""
                {"sandbox": {"mode": "persistent", "name": "origin"},
                 "actions": [{"goto": "%s/whoami"}, {"extract": "#who", "as": "who"}]}"""
                .formatted(base(site)))));
        assertThat(own.get("extracted").get("who").stringValue()).contains("sekrit-cookie-value-4711");
    }

    @Test
    void cancellationStopsBetweenActionsAndDuringWaits() throws Exception {
        String input = """
                {"actions": [{"goto": "%s/form"}, {"wait": 20000}, {"click": "#go"}]}""".formatted(base(site));
        long started = System.nanoTime();
        assertThatThrownBy(() -> handler.run(new RecordingContext(UUID.randomUUID(), json(input), n -> n >= 2)))
                .isInstanceOf(StepFailure.class)
                .hasMessage("cancelled during action 2 (wait 20000 ms)");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);

        assertThatThrownBy(() -> handler.run(new RecordingContext(UUID.randomUUID(), json(input), n -> n >= 1)))
                .hasMessage("cancelled before action 2 (wait 20000 ms)");
    }

    @Test
    void theStepDeadlineBoundsEveryWait() throws Exception {
        long started = System.nanoTime();
        assertThatThrownBy(() -> handler.run(new RecordingContext(UUID.randomUUID(), json("""
                {"timeoutSeconds": 2, "actions": [{"goto": "%s/form"}, {"wait": 60000}]}"""
                .formatted(base(site))))))
                .isInstanceOf(StepFailure.class)
                .hasMessage("step timed out after 2 s in action 2 (wait 60000 ms)");
        assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_500L, 6_000L);
    }

    @Test
    void aProviderThatIsNotConfiguredIsRefusedBeforeAnyBrowserWork() {
        assertThatThrownBy(() -> handler.run(new RecordingContext(UUID.randomUUID(), json("""
                {"provider": "browserbase", "actions": [{"goto": "https://example.com"}]}"""))))
                .isInstanceOf(StepFailure.class)
                .hasMessage("provider 'browserbase' is not configured on this edge (set OCTVEX_BROWSERBASE_API_KEY)");
    }

    static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Width and height from a PNG's IHDR chunk, after checking the signature. */
    static int[] pngSize(byte[] png) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertThat(Arrays.copyOf(png, 8)).isEqualTo(signature);
        assertThat(new String(png, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
        return new int[] {header.getInt(), header.getInt()};
    }
}
