package io.octvex.server.run;

import static io.octvex.server.run.RunFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateToken;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Problem;
import io.octvex.protocol.SubmittedRuns;
import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.ServerTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The runs API over real HTTP, as the admin user after a login, in a workspace made for this class. */
@ServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunApiTest {
    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired Runs runs;

    OctvexClient client;
    String token;
    UUID ws;
    final HttpClient http = HttpClient.newHttpClient();
    final ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeAll
    void login() {
        OctvexClient anonymous = OctvexClient.connect("http://127.0.0.1:" + port);
        token = anonymous.login("admin", ServerTest.ADMIN_PASSWORD).token();
        client = anonymous.withToken(token);
        ws = client.createWorkspace("runs-api-" + UUID.randomUUID().toString().substring(0, 8)).id();
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    record Answer(int status, String body, HttpResponse<String> response) {
        Problem problem() {
            return Json.read(body, Problem.class);
        }
    }

    Answer call(String method, String path, String json) throws Exception {
        return call(token, method, path, json);
    }

    Answer call(String bearer, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/json");
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    String runs() {
        return "/api/v1/workspaces/" + ws + "/runs";
    }

    Answer submitWithKey(String bearer, String key, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + runs()))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    long runsTitled(String title) {
        return jdbc.sql("SELECT count(*) FROM runs WHERE workspace_id = :ws AND title = :t").param("ws", ws)
                .param("t", title).query(Long.class).single();
    }

    @Test
    void aRepeatedSubmitWithTheSameKeyAnswersTheFirstRunAndWritesNothing() throws Exception {
        String key = "retry-" + UUID.randomUUID();
        String body = """
                {"title":"idempotent %s","steps":[{"key":"a","handler":"noop","action":"noop"}]}""".formatted(key);
        Answer first = submitWithKey(token, key, body);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        RunView run = Json.read(first.body(), RunView.class);
        long events = jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = :ws").param("ws", ws)
                .query(Long.class).single();

        Answer again = submitWithKey(token, key, body);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.response().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.response().headers().firstValue("Location")).hasValue(runs() + "/" + run.id());
        assertThat(Json.read(again.body(), RunView.class).id()).isEqualTo(run.id());
        assertThat(runsTitled("idempotent " + key)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = :ws").param("ws", ws)
                .query(Long.class).single()).as("a replay writes no event").isEqualTo(events);

        // the same key for another request is refused, and makes nothing
        Answer other = submitWithKey(token, key, body.replace("idempotent", "another"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.problem().detail()).contains("already used for a different request").contains(run.id().toString());
        assertThat(runsTitled("another " + key)).isZero();

        // the key belongs to the principal, not to one token: the same person's other token finds the same run
        String sameHolder = client.createToken(ws, new CreateToken("idem-" + UUID.randomUUID(),
                List.of(Scope.RUNS_WRITE, Scope.RUNS_READ), null, null)).secret();
        Answer byOtherToken = submitWithKey(sameHolder, key, body);
        assertThat(byOtherToken.status()).as(byOtherToken.body()).isEqualTo(200);
        assertThat(Json.read(byOtherToken.body(), RunView.class).id()).isEqualTo(run.id());
        assertThat(runsTitled("idempotent " + key)).isEqualTo(1);
    }

    @Test
    void concurrentRepeatsOfOneKeyMakeOneRun() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = """
                {"title":"race %s","steps":[{"key":"a","handler":"noop","action":"noop"}]}""".formatted(key);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            answers.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return submitWithKey(token, key, body);
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (Future<Answer> answer : answers) {
            Answer a = answer.get(60, TimeUnit.SECONDS);
            statuses.add(a.status());
            ids.add(Json.read(a.body(), RunView.class).id());
        }
        assertThat(statuses).containsExactlyInAnyOrder(201, 200);
        assertThat(ids.get(0)).isEqualTo(ids.get(1));
        assertThat(runsTitled("race " + key)).isEqualTo(1);
    }

    @Test
    void aBadIdempotencyKeyIsRefusedBeforeAnythingIsWritten() throws Exception {
        String body = """
                {"title":"bad key","steps":[{"key":"a","handler":"noop","action":"noop"}]}""";
        for (String key : List.of("has space", "x".repeat(256))) {
            Answer answer = submitWithKey(token, key, body);
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.problem().detail()).contains("Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        assertThat(runsTitled("bad key")).isZero();
    }

    RunView submit(String... keysAndDeps) {
        List<io.octvex.protocol.StepSpec> steps = new ArrayList<>();
        for (String k : keysAndDeps) {
            String[] parts = k.split("<");
            steps.add(parts.length == 1 ? step(parts[0]) : step(parts[0], parts[1].split(",")));
        }
        return client.submitRun(ws, new SubmitRun("api run", null, steps));
    }

    RunView report(RunView run, String key, StepStatus to) {
        // steps start only through the policy-gated lease; here the facade stands in for an edge's report
        return runs.updateStep(ws, run.id(), step(run, key).id(), new StepUpdate(to, null, null, null), null);
    }

    @Test
    void submitAnswersCreatedWithTheStoredRun() throws Exception {
        Answer answer = call("POST", runs(), """
                {"title":"fetch and summarise","spec":{"goal":"x"},"steps":[
                  {"key":"fetch","handler":"http","action":"GET https://example.test","input":{"url":"https://example.test"}},
                  {"key":"sum","handler":"llm","action":"summarise","dependsOn":["fetch"]}]}""");
        assertThat(answer.status()).isEqualTo(201);
        RunView run = Json.read(answer.body(), RunView.class);
        assertThat(answer.response().headers().firstValue("Location")).hasValue(runs() + "/" + run.id());
        assertThat(run.workspaceId()).isEqualTo(ws);
        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(run.steps()).extracting(StepView::status).containsExactly(StepStatus.QUEUED, StepStatus.PENDING);
        assertThat(run.createdBy()).isEqualTo(client.me().id());
        assertThat(client.run(ws, run.id())).isEqualTo(run);
        assertThat(storedRun(jdbc, run.id())).isEqualTo(new StoredRun("queued", 1));
        assertThat(lines(jdbc, ws, run.id())).containsExactly("run.created fetch and summarise",
                "run planning>queued (submitted)", "step fetch pending>queued #1");
    }

    @Test
    void badSubmissionsAnswer400WithAProblemAndWriteNothing() throws Exception {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("{\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\",\"dependsOn\":[\"b\"]},"
                + "{\"key\":\"b\",\"handler\":\"h\",\"action\":\"x\",\"dependsOn\":[\"a\"]}]}", "cycle: a → b → a");
        bad.put("{\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\",\"dependsOn\":[\"zz\"]}]}", "'zz'");
        bad.put("{\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\"},{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\"}]}",
                "unique");
        bad.put("{\"steps\":[{\"key\":\"a b\",\"handler\":\"h\",\"action\":\"x\"}]}", "not a valid key");
        bad.put("{\"steps\":[]}", "at least 1 step");
        bad.put("{\"title\":\"nul\\u0000here\",\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\"}]}", "U+0000");
        bad.put("{\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\",\"input\":{\"q\":\"\\u0000\"}}]}", "input.q");
        bad.put("{\"steps\":\"a\"}", "steps");
        bad.put("{\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\"}],\"owner\":1}", "unknown field 'owner'");
        bad.put("{\"title\":\"x'); DROP TABLE runs; --\",\"steps\":[{\"key\":\"a;--\",\"handler\":\"h\",\"action\":\"x\"}]}",
                "not a valid key");
        bad.put("{\"steps\":[", "malformed JSON");

        Counts before = counts(jdbc, ws);
        for (var entry : bad.entrySet()) {
            Answer answer = call("POST", runs(), entry.getKey());
            assertThat(answer.status()).as(entry.getKey()).isEqualTo(400);
            assertThat(answer.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).contains("application/problem+json"));
            assertThat(answer.problem().detail()).as(entry.getKey()).contains(entry.getValue());
        }
        assertThat(counts(jdbc, ws)).isEqualTo(before);
    }

    @Test
    void cancelOverHttp() throws Exception {
        RunView run = report(submit("a", "b<a"), "a", StepStatus.RUNNING);
        Answer cancelled = call("POST", runs() + "/" + run.id() + "/cancel", "{\"reason\":\"operator stop\"}");
        assertThat(cancelled.status()).isEqualTo(200);
        RunView view = Json.read(cancelled.body(), RunView.class);
        assertThat(view.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(view.steps()).extracting(StepView::status).containsOnly(StepStatus.CANCELLED);
        assertThat(lines(jdbc, ws, run.id())).last().isEqualTo("run running>cancelled (operator stop)");
        Answer again = call("POST", runs() + "/" + run.id() + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problem().detail()).startsWith("a run that is cancelled cannot become cancelled");
        assertThat(call("POST", runs() + "/" + UUID.randomUUID() + "/cancel", "{}").status()).isEqualTo(404);
    }

    @Test
    void listingPagesThroughRunsWithTheCursor() throws Exception {
        UUID own = client.createWorkspace("runs-page-" + UUID.randomUUID().toString().substring(0, 8)).id();
        List<UUID> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newestFirst.addFirst(client.submitRun(own, new SubmitRun(null, null, List.of(step("a")))).id());
            Thread.sleep(2);
        }
        String base = "/api/v1/workspaces/" + own + "/runs?limit=2";
        List<UUID> seen = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            Answer answer = call("GET", base + (before == null ? "" : "&before=" + before), null);
            assertThat(answer.status()).isEqualTo(200);
            RunPage page = Json.read(answer.body(), RunPage.class);
            page.runs().forEach(r -> seen.add(r.id()));
            before = page.nextBefore();
            pages++;
        } while (before != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(client.runs(own, RunStatus.QUEUED, 100).runs()).hasSize(5);
        assertThat(client.runs(own, RunStatus.RUNNING, 100).runs()).isEmpty();

        for (String query : List.of("?limit=0", "?limit=101", "?limit=ten", "?status=sleeping", "?before=garbage")) {
            Answer answer = call("GET", "/api/v1/workspaces/" + own + "/runs" + query, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.problem().detail()).as(query).isNotBlank();
        }
    }

    @Test
    void listingFiltersByCreationTime() throws Exception {
        UUID own = client.createWorkspace("runs-time-" + UUID.randomUUID().toString().substring(0, 8)).id();
        List<RunView> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(client.submitRun(own, new SubmitRun(null, null, List.of(step("a")))));
            Thread.sleep(5);
        }
        java.time.Instant second = made.get(1).createdAt();
        assertThat(client.runs(own, null, second, null, 100, null).runs()).extracting(RunView::id)
                .containsExactly(made.get(2).id(), made.get(1).id());
        assertThat(client.runs(own, null, null, second, 100, null).runs()).extracting(RunView::id)
                .containsExactly(made.get(0).id());
        assertThat(client.runs(own, RunStatus.QUEUED, second, made.get(2).createdAt(), 100, null).runs())
                .extracting(RunView::id).containsExactly(made.get(1).id());
        // paging keeps the filter
        RunPage first = client.runs(own, null, second, null, 1, null);
        assertThat(first.runs()).extracting(RunView::id).containsExactly(made.get(2).id());
        assertThat(client.runs(own, null, second, null, 1, first.nextBefore()).runs()).extracting(RunView::id)
                .containsExactly(made.get(1).id());

        for (String query : List.of("?from=yesterday", "?to=2026-11-24", "?from=2026-11-24T10:00:00Z&to=2026-11-24T10:00:00Z")) {
            Answer answer = call("GET", "/api/v1/workspaces/" + own + "/runs" + query, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.problem().detail()).as(query).containsAnyOf("'from' must be", "'to' must be");
        }
    }

    @Test
    void scopesAndWorkspacesConfineTheApi() throws Exception {
        RunView run = submit("a");
        String readOnly = client.createToken(ws, new CreateToken("reader", List.of(Scope.RUNS_READ), null, null)).secret();
        assertThat(call(readOnly, "GET", runs() + "/" + run.id(), null).status()).isEqualTo(200);
        assertThat(call(readOnly, "POST", runs(), "{\"steps\":[{\"key\":\"a\",\"handler\":\"h\",\"action\":\"x\"}]}").status())
                .isEqualTo(403);
        assertThat(call(readOnly, "POST", runs() + "/" + run.id() + "/cancel", null).status()).isEqualTo(403);

        UUID other = client.createWorkspace("runs-other-" + UUID.randomUUID().toString().substring(0, 8)).id();
        String otherToken = client.createToken(other, new CreateToken("other", List.of(Scope.values()), null, null)).secret();
        assertThat(call("GET", "/api/v1/workspaces/" + other + "/runs/" + run.id(), null).status()).isEqualTo(404);
        assertThat(call(otherToken, "GET", runs() + "/" + run.id(), null).status()).isEqualTo(404);
        assertThat(call("POST", "/api/v1/workspaces/" + other + "/runs/" + run.id() + "/cancel", null).status())
                .isEqualTo(404);
        assertThat(storedRun(jdbc, run.id())).isEqualTo(new StoredRun("queued", 1));
    }

    @Test
    void aBatchSubmitStoresEveryRunInOneTransactionOrNone() throws Exception {
        String path = "/api/v1/workspaces/" + ws + "/runs/batch";
        long eventsBefore = events();
        // one bad run refuses the whole batch, naming it, and writes nothing
        Answer bad = call("POST", path, """
                {"runs": [{"title": "fine", "steps": [{"key": "a", "handler": "noop", "action": "x"}]},
                          {"title": "broken", "steps": []}]}""");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.problem().detail()).startsWith("runs[1]: ");
        assertThat(events()).isEqualTo(eventsBefore);
        assertThat(call("POST", path, "{\"runs\": []}").status()).isEqualTo(400);

        String key = UUID.randomUUID().toString();
        String body = """
                {"runs": [{"title": "one", "steps": [{"key": "a", "handler": "noop", "action": "x"},
                                                     {"key": "b", "handler": "noop", "action": "y", "dependsOn": ["a"]}]},
                          {"title": "two", "idempotencyKey": "%s",
                           "steps": [{"key": "c", "handler": "noop", "action": "z"}]}]}""".formatted(key);
        Answer made = call("POST", path, body);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        SubmittedRuns submitted = Json.read(made.body(), SubmittedRuns.class);
        assertThat(submitted.runs()).extracting(SubmittedRuns.Entry::replayed).containsExactly(false, false);
        RunView one = submitted.runs().get(0).run();
        RunView two = submitted.runs().get(1).run();
        assertThat(runs.get(ws, one.id())).isEqualTo(one); // what it answered is what it stored
        assertThat(runs.get(ws, two.id())).isEqualTo(two);
        assertThat(one.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(one.steps()).extracting(StepView::status).containsExactly(StepStatus.QUEUED, StepStatus.PENDING);
        assertThat(one.steps().get(1).dependsOn()).containsExactly("a");
        // the same trail as two single submits: created, run queued, and each ready step queued
        assertThat(events() - eventsBefore).isEqualTo(3 + 3);

        // the keyed run again with a new one: the keyed one is a replay, the new one is made
        Answer again = call("POST", path, """
                {"runs": [{"title": "two", "idempotencyKey": "%s", "steps": [{"key": "c", "handler": "noop", "action": "z"}]},
                          {"title": "three", "steps": [{"key": "d", "handler": "noop", "action": "w"}]}]}""".formatted(key));
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        SubmittedRuns second = Json.read(again.body(), SubmittedRuns.class);
        assertThat(second.runs()).extracting(SubmittedRuns.Entry::replayed).containsExactly(true, false);
        assertThat(second.runs().get(0).run().id()).isEqualTo(two.id());
        // the key with another body refuses the whole batch
        long before = events();
        Answer clash = call("POST", path, """
                {"runs": [{"title": "four", "steps": [{"key": "e", "handler": "noop", "action": "v"}]},
                          {"title": "not two", "idempotencyKey": "%s", "steps": [{"key": "c", "handler": "noop", "action": "z"}]}]}"""
                .formatted(key));
        assertThat(clash.status()).as(clash.body()).isEqualTo(409);
        assertThat(events()).isEqualTo(before);
    }

    long events() {
        return jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ?").param(ws).query(Long.class).single();
    }
}
