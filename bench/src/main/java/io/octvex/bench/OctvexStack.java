package io.octvex.bench;

import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.ProtocolVersion;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The real thing, as `./octvex server` and `./octvex edge` run it: the server jar on the shared PostgreSQL
 * (through {@code OCTVEX_DATABASE_URL}, the external-database path, which runs the same migrations and code
 * as the embedded one) and {@code octvex-edge} processes enrolled into the default workspace.
 */
final class OctvexStack implements AutoCloseable {
    private static final String ADMIN_PASSWORD = "bench admin password";

    private final Path root;
    private final Process server;
    private final String url;
    private final String adminToken;
    private final OctvexClient admin;
    private final UUID workspace;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> edges = new ArrayList<>();
    private int edgeCount;
    private Path edgeRecordings;

    private OctvexStack(Path root, Process server, String url) {
        this.root = root;
        this.server = server;
        this.url = url;
        this.adminToken = OctvexClient.connect(url).login("admin", ADMIN_PASSWORD).token();
        this.admin = OctvexClient.connect(url).withToken(adminToken);
        this.workspace = admin.workspaces().getFirst().id();
    }

    /**
     * Starts the server on {@code database}; {@code jvmOptions} go before {@code -jar} (a JFR recording, for
     * instance).
     */
    static OctvexStack start(Path root, Path serverJar, BenchDatabase db, String database, List<String> jvmOptions)
            throws Exception {
        Path home = root.resolve("server-home");
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx1g"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", serverJar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("server.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("OCTVEX_HOME", home.toString());
        env.put("OCTVEX_PORT", "0");
        env.put("OCTVEX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("OCTVEX_DATABASE_URL", db.jdbcUrl(database));
        env.put("OCTVEX_DATABASE_USER", BenchDatabase.USER);
        env.put("OCTVEX_DATABASE_PASSWORD", BenchDatabase.PASSWORD);
        Process server = builder.start();
        try {
            return new OctvexStack(root, server, awaitUrl(server, home.resolve("run/server.json"), root));
        } catch (Exception | Error e) {
            server.destroyForcibly(); // a server that never came up must not outlive the benchmark
            throw e;
        }
    }

    private static String awaitUrl(Process server, Path info, Path root) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + "; see "
                        + root.resolve("server.log"));
            }
            if (Files.exists(info)) {
                try {
                    return Json.tree(Files.readString(info)).get("url").asString();
                } catch (RuntimeException e) {
                    // being written
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start within 300 s; see " + root.resolve("server.log"));
    }

    OctvexClient admin() {
        return admin;
    }

    UUID workspace() {
        return workspace;
    }

    long serverPid() {
        return server.pid();
    }

    /** The edge processes running now. */
    java.util.stream.Stream<ProcessHandle> edgeProcesses() {
        return edges.stream().filter(Process::isAlive).map(Process::toHandle);
    }

    /**
     * The JVM options the edges run with: a 256 MiB heap, and the launcher's options for a standalone edge
     * ({@code ./octvex bench e2e} passes them as {@code OCTVEX_EDGE_JAVA_OPTS}; ADR 0037), none besides the
     * heap when the benchmark is started otherwise.
     */
    static List<String> edgeJavaOptions() {
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        String options = System.getenv().getOrDefault("OCTVEX_EDGE_JAVA_OPTS", "").strip();
        if (!options.isEmpty()) {
            jvm.addAll(List.of(options.split("\\s+")));
        }
        return jvm;
    }

    /** Each edge started from now on records itself with JDK Flight Recorder into {@code dir}/NAME.jfr. */
    void recordEdges(Path dir) {
        this.edgeRecordings = dir.toAbsolutePath();
    }

    /** Enrols and starts {@code count} edges of {@code capacity} slots each; returns once all are live. */
    void startEdges(Path edgeJar, int count, int capacity) throws Exception {
        IssuedEnrollment enrollment = post("/api/v1/workspaces/" + workspace + "/edges/enrollments",
                new CreateEnrollment("bench edges", null, count, null), IssuedEnrollment.class);
        for (int i = 0; i < count; i++) {
            String name = "bench-edge-" + (++edgeCount);
            Path home = root.resolve(name);
            Files.createDirectories(home);
            List<String> command = new ArrayList<>(List.of(java()));
            command.addAll(edgeJavaOptions());
            if (edgeRecordings != null) {
                command.add("-XX:StartFlightRecording=filename=" + edgeRecordings.resolve(name + ".jfr")
                        + ",settings=profile,dumponexit=true");
            }
            command.addAll(List.of("-jar", edgeJar.toString(), "--server", url, "--name", name, "--capacity",
                    Integer.toString(capacity), "--home", home.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(root.resolve(name + ".log").toFile());
            builder.environment().put("OCTVEX_ENROLL_TOKEN", enrollment.token());
            edges.add(builder.start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (activeEdges().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the edges did not enrol within 120 s; see " + root);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Revokes every edge and waits for the processes to exit, so that the next phase's placement sees none of
     * them (a stopped edge would otherwise count as a live candidate for its live window).
     */
    void stopEdges() throws Exception {
        for (EdgeView edge : edgesIn(EdgeState.ACTIVE, EdgeState.QUARANTINED)) {
            post("/api/v1/workspaces/" + workspace + "/edges/" + edge.id() + "/revoke", null, JsonNode.class);
        }
        for (Process edge : edges) {
            if (!edge.waitFor(30, TimeUnit.SECONDS)) {
                edge.destroyForcibly().waitFor();
            }
        }
        edges.clear();
    }

    /** Quarantines the live edges: they stay connected and warm but get no work until {@link #releaseEdges}. */
    void holdEdges() throws Exception {
        for (EdgeView edge : edgesIn(EdgeState.ACTIVE)) {
            post("/api/v1/workspaces/" + workspace + "/edges/" + edge.id() + "/quarantine", null, JsonNode.class);
        }
    }

    void releaseEdges() throws Exception {
        for (EdgeView edge : edgesIn(EdgeState.QUARANTINED)) {
            post("/api/v1/workspaces/" + workspace + "/edges/" + edge.id() + "/release", null, JsonNode.class);
        }
    }

    private List<EdgeView> activeEdges() throws Exception {
        return edgesIn(EdgeState.ACTIVE);
    }

    private List<EdgeView> edgesIn(EdgeState... states) throws Exception {
        HttpResponse<String> response = http.send(request("/api/v1/workspaces/" + workspace + "/edges").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        check("GET edges", response);
        List<EdgeView> all = new ArrayList<>();
        for (JsonNode node : Json.tree(response.body())) {
            all.add(Json.mapper().treeToValue(node, EdgeView.class));
        }
        List<EdgeState> wanted = List.of(states);
        return all.stream().filter(e -> wanted.contains(e.state())).toList();
    }

    private <T> T post(String path, Object body, Class<T> type) throws Exception {
        HttpRequest request = request(path).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        check("POST " + path, response);
        return Json.mapper().readValue(response.body(), type);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + adminToken)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT));
    }

    private static void check(String what, HttpResponse<String> response) {
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(what + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Override
    public void close() throws Exception {
        for (Process edge : edges) {
            edge.destroy();
        }
        for (Process edge : edges) {
            if (!edge.waitFor(20, TimeUnit.SECONDS)) {
                edge.destroyForcibly();
            }
        }
        server.destroy(); // SIGTERM: graceful shutdown, which also ends a JFR recording or writes an AOT cache
        if (!server.waitFor(180, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }
}
