package io.octvex.edge.browser;

import com.sun.net.httpserver.HttpServer;
import io.octvex.edge.handler.StepContext;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;
import tools.jackson.databind.JsonNode;

/** Shared pieces of the browser tests: local pages, a recording step context, folders under target/. */
final class BrowserFixtures {
    /** Everything the tests write (driver unpack, Chromium profile, edge home) stays below this folder. */
    static final Path ROOT = Path.of("target", "browser-tests").toAbsolutePath();

    private BrowserFixtures() {}

    /** Points Playwright's driver unpacking at target/ (read when the first driver starts). */
    static void keepDriverUnderTarget() throws IOException {
        Path driver = Files.createDirectories(ROOT.resolve("driver"));
        System.setProperty("playwright.driver.tmpdir", driver.toString());
    }

    static Path freshEdgeHome() throws IOException {
        return Files.createDirectories(ROOT.resolve("edge-" + UUID.randomUUID()));
    }

    static BrowserConfig config(Path edgeHome, Path scratch) {
        return new BrowserConfig(edgeHome, "local", BrowserConfig.DEFAULT_CHROMIUM, null, null, null, null,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), scratch, 1);
    }

    private static Path scratch;

    /**
     * TMPDIR for the Playwright driver and Chromium, one for the whole test JVM (playwright-java starts its
     * driver with the environment of the first {@code Playwright.create}). It must be short: Chromium keeps a
     * Unix socket there and exits when the path is too long for one, so it cannot live under a deep target/.
     * It is deleted when the test JVM exits.
     */
    static synchronized Path scratch() throws IOException {
        if (scratch == null) {
            Path tmp = Path.of("/tmp");
            scratch = Files.isDirectory(tmp) ? Files.createTempDirectory(tmp, "oxb-") : Files.createTempDirectory("oxb-");
            Path toDelete = scratch;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    deleteTree(toDelete);
                } catch (IOException ignored) {
                    // best effort
                }
            }));
        }
        return scratch;
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static final String FORM = """
            <!doctype html><html><head><title>Greeter</title></head><body>
            <form onsubmit="return false"><input id="name"><button id="go">Greet</button></form>
            <p id="out"></p>
            <script>
              document.getElementById('go').addEventListener('click', () => {
                const name = document.getElementById('name').value;
                // computed by the page, shown a little later: the test must wait for it
                setTimeout(() => {
                  document.getElementById('out').textContent =
                      'Hello, ' + name.toUpperCase() + ' (' + [...name].reverse().join('') + ', ' + name.length + ')';
                }, 150);
              });
            </script></body></html>""";

    static final String LOGIN = """
            <!doctype html><html><head><title>Login</title></head><body>
            <button id="login">Log in</button><p id="done"></p>
            <script>
              document.getElementById('login').addEventListener('click', () => {
                document.cookie = 'session=sekrit-cookie-value-4711; path=/; max-age=3600';
                localStorage.setItem('user', 'ada-lovelace');
                document.getElementById('done').textContent = 'logged in';
              });
            </script></body></html>""";

    static final String WHOAMI = """
            <!doctype html><html><head><title>Who</title></head><body><p id="who"></p>
            <script>
              document.getElementById('who').textContent =
                  'cookie=[' + document.cookie + '] user=[' + (localStorage.getItem('user') || '') + ']';
            </script></body></html>""";

    static final String TALL = """
            <!doctype html><html><head><title>Tall</title>
            <style>body{margin:0} #block{height:2000px;background:linear-gradient(#fff,#08f)}</style></head>
            <body><div id="block">tall</div></body></html>""";

    /** Shows what is typed into #pw, as a careless page would. */
    static final String SECRET_FORM = """
            <!doctype html><html><head><title>Sign in</title></head><body>
            <input id="pw" oninput="document.getElementById('shown').textContent = 'typed: ' + this.value">
            <p id="shown"></p></body></html>""";

    static final String LINKS = """
            <!doctype html><html><head><title>Links</title></head><body>
            <a id="tall" href="/tall">tall</a> <a id="who" href="/whoami">who</a></body></html>""";

    /** A local site with the pages above; close it after the tests. */
    static HttpServer site() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, String> pages = Map.of("/form", FORM, "/login", LOGIN, "/whoami", WHOAMI, "/tall", TALL,
                "/links", LINKS, "/secret-form", SECRET_FORM);
        server.createContext("/", exchange -> {
            String page = pages.get(exchange.getRequestURI().getPath());
            byte[] body = (page != null ? page : "not found").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(page != null ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    static String base(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static Lease lease(UUID workspaceId, JsonNode input) {
        return lease(workspaceId, input, List.of());
    }

    static Lease lease(UUID workspaceId, JsonNode input, List<io.octvex.protocol.CredentialRef> credentials) {
        return new Lease(workspaceId, UUID.randomUUID(), UUID.randomUUID(), "browse", "browser", null, input, 1, 1,
                Instant.now().plusSeconds(60), null, credentials);
    }

    static JsonNode json(String text) {
        return Json.tree(text);
    }

    record Artifact(String name, String contentType, byte[] content, String id) {}

    /** Records what the handler reports; cancellation is a predicate on the number of progress reports so far. */
    static final class RecordingContext implements StepContext {
        final Lease lease;
        final List<String> progress = new CopyOnWriteArrayList<>();
        final List<Artifact> artifacts = new CopyOnWriteArrayList<>();
        /** Every navigation the handler asked the gate about; URLs starting with a prefix in refuse are denied. */
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<String> refuse = new CopyOnWriteArrayList<>();
        /** The material each credential lease of {@link #lease} redeems to. */
        final Map<UUID, String> materials = new java.util.concurrent.ConcurrentHashMap<>();
        private final Path workDir;
        private final IntPredicate cancelledAfter;

        RecordingContext(UUID workspaceId, JsonNode input) throws IOException {
            this(workspaceId, input, n -> false);
        }

        RecordingContext(UUID workspaceId, JsonNode input, IntPredicate cancelledAfter) throws IOException {
            this(BrowserFixtures.lease(workspaceId, input), cancelledAfter);
        }

        /** A step whose lease came with {@code credentials}; put their material in {@link #materials}. */
        RecordingContext(UUID workspaceId, JsonNode input, List<io.octvex.protocol.CredentialRef> credentials)
                throws IOException {
            this(BrowserFixtures.lease(workspaceId, input, credentials), n -> false);
        }

        private RecordingContext(Lease lease, IntPredicate cancelledAfter) throws IOException {
            this.lease = lease;
            this.workDir = Files.createDirectories(ROOT.resolve("work"));
            this.cancelledAfter = cancelledAfter;
        }

        @Override
        public Lease lease() {
            return lease;
        }

        @Override
        public JsonNode input() {
            return lease.input();
        }

        @Override
        public Path workDir() {
            return workDir;
        }

        @Override
        public void progress(String message, Integer percent, JsonNode data) {
            progress.add(message);
        }

        @Override
        public void checkpoint(String summary, JsonNode state) {}

        @Override
        public String artifact(String name, String contentType, byte[] content) {
            String id = "artifact-" + (artifacts.size() + 1);
            artifacts.add(new Artifact(name, contentType, content, id));
            return id;
        }

        @Override
        public void authorize(String action, String resource, String method, List<String> headerNames)
                throws io.octvex.edge.handler.StepFailure {
            asked.add(action + " " + resource);
            if (refuse.stream().anyMatch(resource::startsWith)) {
                throw new io.octvex.edge.handler.StepFailure("denied by policy ('test'): not " + resource);
            }
        }

        @Override
        public byte[] credential(io.octvex.protocol.CredentialRef ref) throws io.octvex.edge.handler.StepFailure {
            String material = materials.get(ref.leaseId());
            if (material == null) {
                throw new io.octvex.edge.handler.StepFailure("credential '" + ref.secret() + "' was revoked");
            }
            return material.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean cancelled() {
            return cancelledAfter.test(progress.size());
        }
    }
}
