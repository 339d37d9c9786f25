package io.octvex.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.WorkspaceView;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The official MCP Inspector, in CLI mode, against the real server jar: a client we did not write lists the tools
 * and calls two of them over Streamable HTTP with a workspace API token. Needs {@code npx} (Node.js 20+ with npm):
 * without it the test is skipped, saying so — unless {@code CI=true}, where it fails (.ci/run installs Node.js).
 */
class McpInspectorIT {
    static final String INSPECTOR = "@modelcontextprotocol/inspector@2.12.0";
    /** Generous: a loaded CI machine (or a shared 2-core one) can take minutes to start the jar. */
    private static final Duration START = Duration.ofMinutes(5);
    /** One npx run: the first downloads the Inspector (a few MB); later ones use npm's cache. */
    private static final Duration NPX_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    @Test
    void theInspectorListsTheToolsAndCallsThemWithAToken() throws Exception {
        Path npx = onPath("npx");
        if (npx == null) {
            String why = "npx (Node.js with npm) is not on the PATH, so the MCP Inspector check cannot run";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + "; CI must provide it (.ci/run installs nodejs and npm)");
            }
            Assumptions.abort(why + ": skipped (install Node.js 20+ with npm to run it; with CI=true it fails)");
        }
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        try (ServerProcess server = ServerProcess.start(home)) {
            String url = server.awaitUrl(START);
            OctvexClient anonymous = OctvexClient.connect(url);
            OctvexClient admin = anonymous.withToken(anonymous.login("admin", ServerProcess.ADMIN_PASSWORD).token());
            WorkspaceView workspace = admin.createWorkspace("inspector");
            String canary = "canary-" + UUID.randomUUID();
            admin.createSecret(workspace.id(), new CreateSecret("billing-api", SecretKind.BEARER, null, null, null,
                    null, canary.toCharArray()));
            String token = admin.createToken(workspace.id(), new CreateToken("inspector", List.of(Scope.WORKSPACE_READ,
                    Scope.RUNS_READ, Scope.RUNS_WRITE), null, null)).secret();
            RunView run = admin.submitRun(workspace.id(), new SubmitRun("fetch invoices", null, List.of(
                    new StepSpec("fetch", "http", "GET https://billing.example/invoices", null, null))));

            JsonNode listed = inspector(npx, url, token, "--method", "tools/list");
            List<String> names = new ArrayList<>();
            listed.get("tools").forEach(t -> names.add(t.get("name").asString()));
            assertThat(names).contains("submit_run", "get_run", "get_run_timeline", "wait_for_run",
                    "list_pending_approvals", "list_credentials", "http_request", "browser");
            listed.get("tools").forEach(t -> assertThat(t.get("inputSchema").get("type").asString()).isEqualTo("object"));

            JsonNode credentials = inspector(npx, url, token, "--method", "tools/call",
                    "--tool-name", "list_credentials");
            assertThat(credentials.get("isError").asBoolean()).isFalse();
            assertThat(credentials.get("structuredContent").get("credentials").get(0).get("name").asString())
                    .isEqualTo("billing-api");
            assertThat(credentials.toString()).doesNotContain(canary);

            JsonNode waited = inspector(npx, url, token, "--method", "tools/call", "--tool-name", "wait_for_run",
                    "--tool-arg", "runId=" + run.id(), "--tool-arg", "timeoutSeconds=0");
            assertThat(waited.get("isError").asBoolean()).as(waited.toString()).isFalse();
            assertThat(waited.get("structuredContent").get("runId").asString()).isEqualTo(run.id().toString());
            assertThat(waited.get("structuredContent").get("status").asString()).isEqualTo("queued");
            assertThat(server.output()).doesNotContain(canary).doesNotContain(token);
        }
    }

    /** Runs the Inspector's CLI and parses the JSON it prints; fails with its output when it does not succeed. */
    private JsonNode inspector(Path npx, String url, String token, String... method) throws Exception {
        List<String> command = new ArrayList<>(List.of(npx.toString(), "-y", INSPECTOR, "--cli", url + "/mcp",
                "--transport", "http", "--header", "Authorization: Bearer " + token));
        command.addAll(List.of(method));
        Path out = Files.createTempFile(dir, "inspector-", ".out");
        Path err = Files.createTempFile(dir, "inspector-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("NO_UPDATE_NOTIFIER", "1");
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("npm_config_fund", "false");
        Process process = builder.start();
        if (!process.waitFor(NPX_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            Assertions.fail("the MCP Inspector did not finish within " + NPX_TIMEOUT + ": " + read(err));
        }
        String stdout = read(out);
        assertThat(process.exitValue()).as("inspector %s exited: %s %s", List.of(method), stdout, read(err))
                .isZero();
        int start = stdout.indexOf('{');
        assertThat(start).as("JSON from the inspector: %s", stdout).isNotNegative();
        return Json.tree(stdout.substring(start));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
