package io.octvex.server.run;

import static io.octvex.server.run.RunFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.Json;
import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.ServerTest;
import io.octvex.server.web.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
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
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The run engine against the real database through its facade: every step pair driven through the service,
 * concurrent conflicting transitions, dependency activation and skip propagation, the audit trail, cancel,
 * paging and workspace confinement.
 */
@ServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunServiceTest {
    @Autowired Runs runs;
    @Autowired RunStore store;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;

    UUID ws;
    UUID principal;
    final ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeAll
    void setUp() {
        ws = workspace(jdbc, "runs-service");
        principal = principal(jdbc, "runner");
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    RunView submit(StepSpec... steps) {
        return runs.submit(ws, principal, new SubmitRun("test run", null, List.of(steps)));
    }

    RunView move(RunView run, String key, StepStatus to) {
        return runs.moveStep(ws, run.id(), step(run, key).id(), to, null, null, null, principal);
    }

    RunView report(RunView run, String key, StepStatus to) {
        return runs.updateStep(ws, run.id(), step(run, key).id(), new StepUpdate(to, null, null, null), principal);
    }

    static ApiException refusal(Runnable action) {
        try {
            action.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    // --- (a) every step pair through the database --------------------------------------------------------

    /** How to bring step x of a fresh run to each status through legal moves. */
    static final Map<StepStatus, List<StepStatus>> PATH = Map.of(
            StepStatus.PENDING, List.of(),
            StepStatus.QUEUED, List.of(),
            StepStatus.RUNNING, List.of(StepStatus.RUNNING),
            StepStatus.BLOCKED, List.of(StepStatus.RUNNING, StepStatus.BLOCKED),
            StepStatus.COMPLETED, List.of(StepStatus.RUNNING, StepStatus.COMPLETED),
            StepStatus.FAILED, List.of(StepStatus.RUNNING, StepStatus.FAILED),
            StepStatus.CANCELLED, List.of(StepStatus.CANCELLED),
            StepStatus.SKIPPED, List.of(StepStatus.SKIPPED));

    @Test
    void everyStepPairIsDecidedByTheTableAndARefusalChangesNothing() {
        int legal = 0;
        int refused = 0;
        for (StepStatus from : StepStatus.values()) {
            for (StepStatus to : StepStatus.values()) {
                RunView run = submit(step("a"), from == StepStatus.PENDING ? step("x", "a") : step("x"), step("keep"));
                for (StepStatus hop : PATH.get(from)) {
                    run = move(run, "x", hop);
                }
                UUID x = step(run, "x").id();
                StoredStep before = stored(jdbc, x);
                StoredRun runBefore = storedRun(jdbc, run.id());
                long eventsBefore = counts(jdbc, ws).events();
                assertThat(before.status()).isEqualTo(from.wire());
                final RunView current = run;
                if (StepTransitions.allowed(from, to)) {
                    RunView after = move(current, "x", to);
                    assertThat(stored(jdbc, x).status()).as(from + ">" + to).isEqualTo(to.wire());
                    assertThat(stored(jdbc, x).version()).isEqualTo(before.version() + 1);
                    assertThat(step(after, "x").status()).isEqualTo(to);
                    assertAuditReplaysTo(jdbc, ws, after);
                    legal++;
                } else {
                    ApiException e = refusal(() -> move(current, "x", to));
                    assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.getMessage()).startsWith("a step that is " + from.wire() + " cannot become " + to.wire());
                    assertThat(stored(jdbc, x)).as(from + ">" + to + " left the step as it was").isEqualTo(before);
                    assertThat(storedRun(jdbc, run.id())).isEqualTo(runBefore);
                    assertThat(counts(jdbc, ws).events()).isEqualTo(eventsBefore);
                    refused++;
                }
            }
        }
        assertThat(legal).isEqualTo(17);
        assertThat(refused).isEqualTo(64 - 17);
    }

    @Test
    void aStaleExpectedVersionIsRefusedAndChangesNothing() {
        RunView run = report(submit(step("a")), "a", StepStatus.RUNNING);
        StepView a = step(run, "a");
        StoredStep before = stored(jdbc, a.id());
        ApiException e = refusal(() -> runs.updateStep(ws, run.id(), a.id(),
                new StepUpdate(StepStatus.COMPLETED, null, null, a.version() - 1), principal));
        assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(e.getMessage()).contains("version " + a.version()).contains("not " + (a.version() - 1));
        assertThat(stored(jdbc, a.id())).isEqualTo(before);
        RunView done = runs.updateStep(ws, run.id(), a.id(),
                new StepUpdate(StepStatus.COMPLETED, Json.tree("{\"ok\":true}"), null, a.version()), principal);
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(step(done, "a").result()).isEqualTo(Json.tree("{\"ok\":true}"));
        assertThat(stored(jdbc, a.id()).result()).isEqualTo("{\"ok\": true}");
    }

    // --- (b) concurrency ----------------------------------------------------------------------------------

    <T> List<Object> race(Callable<T> first, Callable<T> second) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<Object>> futures = new ArrayList<>();
        for (Callable<T> c : List.of(first, second)) {
            futures.add(pool.submit(() -> {
                barrier.await(10, TimeUnit.SECONDS);
                try {
                    return c.call();
                } catch (ApiException e) {
                    return e;
                }
            }));
        }
        List<Object> outcomes = new ArrayList<>();
        for (Future<Object> f : futures) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    @Test
    void twoWorkersReportingConflictingOutcomesLeaveExactlyOneWinner() throws Exception {
        Set<StepStatus> winners = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            RunView run = report(submit(step("a")), "a", StepStatus.RUNNING);
            StepView a = step(run, "a");
            List<Object> outcomes = race(
                    () -> runs.updateStep(ws, run.id(), a.id(),
                            new StepUpdate(StepStatus.COMPLETED, Json.tree("1"), null, a.version()), principal),
                    () -> runs.updateStep(ws, run.id(), a.id(),
                            new StepUpdate(StepStatus.FAILED, null, "boom", a.version()), principal));
            List<RunView> won = outcomes.stream().filter(RunView.class::isInstance).map(RunView.class::cast).toList();
            List<ApiException> lost = outcomes.stream().filter(ApiException.class::isInstance).map(ApiException.class::cast).toList();
            assertThat(won).as("winners of round " + i).hasSize(1);
            assertThat(lost).hasSize(1);
            assertThat(lost.getFirst().status()).isEqualTo(HttpStatus.CONFLICT);
            StoredStep after = stored(jdbc, a.id());
            assertThat(after.version()).as("version advanced once").isEqualTo(a.version() + 1);
            StepStatus winner = step(won.getFirst(), "a").status();
            winners.add(winner);
            assertThat(after.status()).isEqualTo(winner.wire());
            assertThat(storedRun(jdbc, run.id()).status())
                    .isEqualTo(winner == StepStatus.COMPLETED ? "completed" : "failed");
            assertAuditReplaysTo(jdbc, ws, runs.get(ws, run.id()));
        }
        assertThat(winners).isNotEmpty();
    }

    @Test
    void twoConcurrentCancelsLeaveExactlyOneWinner() throws Exception {
        for (int i = 0; i < 20; i++) {
            RunView run = submit(step("a"), step("b", "a"));
            List<Object> outcomes = race(() -> runs.cancel(ws, run.id(), "first", principal),
                    () -> runs.cancel(ws, run.id(), "second", principal));
            assertThat(outcomes).filteredOn(RunView.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(ApiException.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((ApiException) e).getMessage())
                            .startsWith("a run that is cancelled cannot become cancelled"));
            assertThat(storedRun(jdbc, run.id())).isEqualTo(new StoredRun("cancelled", run.version() + 1));
            assertThat(events(jdbc, ws, run.id()).stream().filter(e -> e.line().startsWith("run queued>cancelled")))
                    .hasSize(1);
        }
    }

    /** The guarded UPDATE alone (no run lock) lets exactly one of two writers holding the same version win. */
    @Test
    void theVersionGuardAloneAdmitsOneOfTwoWriters() throws Exception {
        for (int i = 0; i < 20; i++) {
            RunView run = submit(step("a"));
            StepView a = step(run, "a");
            Callable<Boolean> write = () -> tx.execute(status -> {
                boolean won = store.transitionSteps(List.of(new RunStore.StepMove(ws, a.id(), StepStatus.QUEUED,
                        a.version(), StepStatus.RUNNING, a.version() + 1, a.attempt(), null, null, Instant.now(),
                        null))) == 1;
                sleep(20); // keep the transaction open so the other writer has to wait for it
                return won;
            });
            List<Object> outcomes = race(write, write);
            assertThat(outcomes).containsExactlyInAnyOrder(true, false);
            assertThat(stored(jdbc, a.id()).version()).isEqualTo(a.version() + 1);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- (c) and (e) dependencies and the audit trail --------------------------------------------------------

    @Test
    void aDiamondWhoseBranchFailsSkipsTheJoinAndFailsTheRunOnceAllHaveEnded() {
        RunView run = submit(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c"));
        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(run.steps()).extracting(StepView::status)
                .containsExactly(StepStatus.QUEUED, StepStatus.PENDING, StepStatus.PENDING, StepStatus.PENDING);

        run = report(run, "a", StepStatus.RUNNING);
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run = runs.updateStep(ws, run.id(), step(run, "a").id(),
                new StepUpdate(StepStatus.COMPLETED, Json.tree("{\"rows\":3}"), null, null), principal);
        assertThat(run.steps()).extracting(StepView::status)
                .containsExactly(StepStatus.COMPLETED, StepStatus.QUEUED, StepStatus.QUEUED, StepStatus.PENDING);
        run = report(report(run, "b", StepStatus.RUNNING), "c", StepStatus.RUNNING);
        run = runs.updateStep(ws, run.id(), step(run, "b").id(),
                new StepUpdate(StepStatus.FAILED, null, "connection refused", null), principal);
        assertThat(step(run, "d").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(run.status()).as("c is still running").isEqualTo(RunStatus.RUNNING);
        run = report(run, "c", StepStatus.COMPLETED);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(storedRun(jdbc, run.id()).status()).isEqualTo("failed");
        assertThat(stored(jdbc, step(run, "b").id()).error()).isEqualTo("connection refused");

        assertThat(lines(jdbc, ws, run.id())).containsExactly(
                "run.created test run",
                "run planning>queued (submitted)",
                "step a pending>queued #1",
                "step a queued>running #1",
                "run queued>running (step 'a' is running)",
                "step a running>completed #1",
                "step b pending>queued #1",
                "step c pending>queued #1",
                "step b queued>running #1",
                "step c queued>running #1",
                "step b running>failed #1 (connection refused)",
                "step d pending>skipped #0",
                "step c running>completed #1",
                "run running>failed (step 'b' failed)");
        List<Event> events = events(jdbc, ws, run.id());
        assertThat(events).allSatisfy(e -> assertThat(e.principalId()).isEqualTo(principal));
        assertThat(events.getFirst().data()).isEqualTo(Json.tree("""
                {"title":"test run","steps":[
                 {"key":"a","handler":"http","action":"GET https://example.test/a","dependsOn":[]},
                 {"key":"b","handler":"http","action":"GET https://example.test/b","dependsOn":["a"]},
                 {"key":"c","handler":"http","action":"GET https://example.test/c","dependsOn":["a"]},
                 {"key":"d","handler":"http","action":"GET https://example.test/d","dependsOn":["b","c"]}]}"""));
        assertAuditReplaysTo(jdbc, ws, run);
    }

    @Test
    void aJoinWaitsForAllItsDependenciesAndTheRunCompletesWithItsLastStep() {
        RunView run = submit(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c"));
        run = report(report(run, "a", StepStatus.RUNNING), "a", StepStatus.COMPLETED);
        run = report(report(run, "b", StepStatus.RUNNING), "b", StepStatus.COMPLETED);
        assertThat(step(run, "d").status()).as("c has not completed yet").isEqualTo(StepStatus.PENDING);
        run = report(report(run, "c", StepStatus.RUNNING), "c", StepStatus.COMPLETED);
        assertThat(step(run, "d").status()).isEqualTo(StepStatus.QUEUED);
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run = report(report(run, "d", StepStatus.RUNNING), "d", StepStatus.COMPLETED);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(lines(jdbc, ws, run.id())).last().isEqualTo("run running>completed (all steps completed)");
        assertAuditReplaysTo(jdbc, ws, run);
    }

    @Test
    void aFailureSkipsTransitiveDependantsButNotIndependentSteps() {
        RunView run = submit(step("a"), step("b", "a"), step("c", "b"), step("free"));
        run = report(report(run, "a", StepStatus.RUNNING), "a", StepStatus.FAILED);
        assertThat(run.steps()).extracting(StepView::status).containsExactly(
                StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.SKIPPED, StepStatus.QUEUED);
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run = report(report(run, "free", StepStatus.RUNNING), "free", StepStatus.COMPLETED);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertAuditReplaysTo(jdbc, ws, run);
    }

    @Test
    void theRunIsBlockedWhileAnyStepIsBlocked() {
        RunView run = submit(step("a"), step("b"));
        run = report(report(run, "a", StepStatus.RUNNING), "b", StepStatus.RUNNING);
        run = report(run, "a", StepStatus.BLOCKED);
        assertThat(run.status()).isEqualTo(RunStatus.BLOCKED);
        run = report(run, "b", StepStatus.BLOCKED);
        run = report(run, "a", StepStatus.RUNNING);
        assertThat(run.status()).as("b is still blocked").isEqualTo(RunStatus.BLOCKED);
        run = runs.updateStep(ws, run.id(), step(run, "b").id(), new StepUpdate(StepStatus.FAILED, null, "denied", null),
                principal);
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run = report(run, "a", StepStatus.COMPLETED);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(lines(jdbc, ws, run.id())).contains(
                "run running>blocked (step 'a' is blocked)",
                "run blocked>running (no step is blocked any more)",
                "run running>failed (step 'b' failed)");
        assertAuditReplaysTo(jdbc, ws, run);
    }

    @Test
    void aRequeuedStepIsANewAttempt() {
        RunView run = report(submit(step("a")), "a", StepStatus.RUNNING);
        run = runs.requeueStep(ws, run.id(), step(run, "a").id(), step(run, "a").version(), principal);
        assertThat(step(run, "a").status()).isEqualTo(StepStatus.QUEUED);
        assertThat(step(run, "a").attempt()).isEqualTo(2);
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run = report(run, "a", StepStatus.RUNNING);
        assertThat(lines(jdbc, ws, run.id())).contains("step a running>queued #2", "step a queued>running #2");
        assertAuditReplaysTo(jdbc, ws, run);
    }

    @Test
    void workerReportsAreCheckedAndErrorsAreKeptSafely() {
        RunView run = report(submit(step("a")), "a", StepStatus.RUNNING);
        UUID a = step(run, "a").id();
        final RunView r = run;
        assertThat(refusal(() -> runs.updateStep(ws, r.id(), a, new StepUpdate(StepStatus.CANCELLED, null, null, null),
                principal)).status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refusal(() -> runs.updateStep(ws, r.id(), a, new StepUpdate(StepStatus.BLOCKED, Json.tree("1"), null, null),
                principal)).status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refusal(() -> runs.updateStep(ws, r.id(), a, new StepUpdate(StepStatus.COMPLETED,
                Json.tree("{\"x\":\"a\\u0000b\"}"), null, null), principal)).getMessage()).contains("result.x");
        assertThat(refusal(() -> runs.updateStep(ws, r.id(), UUID.randomUUID(),
                new StepUpdate(StepStatus.RUNNING, null, null, null), principal)).status()).isEqualTo(HttpStatus.NOT_FOUND);
        run = runs.updateStep(ws, run.id(), a, new StepUpdate(StepStatus.FAILED, null, "bad\u0000byte" + "x".repeat(5000),
                null), principal);
        String error = stored(jdbc, a).error();
        assertThat(error).hasSize(Runs.MAX_ERROR).startsWith("bad\uFFFDbytex").endsWith("…");
        assertThat(step(run, "a").error()).isEqualTo(error);
        assertThat(events(jdbc, ws, run.id()).getLast().line()).isEqualTo("run running>failed (step 'a' failed)");
    }

    // --- (d) validation ---------------------------------------------------------------------------------------

    @Test
    void invalidSubmissionsAreRefusedAndWriteNothing() {
        Map<SubmitRun, String> bad = new java.util.LinkedHashMap<>();
        bad.put(new SubmitRun("t", null, List.of(step("a", "b"), step("b", "c"), step("c", "a"))),
                "cycle: a → b → c → a");
        bad.put(new SubmitRun("t", null, List.of(step("a", "ghost"))), "depends on 'ghost', which is not a step");
        bad.put(new SubmitRun("t", null, List.of(step("a"), step("a"))), "also the key of steps[0]");
        bad.put(new SubmitRun("t", null, List.of(step("-bad"))), "not a valid key");
        bad.put(new SubmitRun("t", null, List.of(step("a".repeat(65)))), "not a valid key");
        bad.put(new SubmitRun("t", null, List.of()), "at least 1 step");
        bad.put(new SubmitRun("t", null, null), "at least 1 step");
        bad.put(new SubmitRun("t\u0000x", null, List.of(step("a"))), "'title' contains the control character U+0000");
        bad.put(new SubmitRun(" ", null, List.of(step("a"))), "'title' is blank");
        bad.put(new SubmitRun("x".repeat(201), null, List.of(step("a"))), "at most 200");
        bad.put(new SubmitRun("t", null, List.of(step("a", "a"))), "depends on itself");
        bad.put(new SubmitRun("t", null, List.of(step("a"), step("b", "a", "a"))), "twice");
        bad.put(new SubmitRun("t", Json.tree("[1]"), List.of(step("a"))), "'spec' must be a JSON object, got an array");
        bad.put(new SubmitRun("t", Json.tree("{\"k\":[\"\\u0000\"]}"), List.of(step("a"))), "'spec.k[0]' contains");
        bad.put(new SubmitRun("t", null, List.of(new StepSpec("a", "http", "go", Json.tree("\"s\""), null))),
                "'steps[0].input' must be a JSON object");
        bad.put(new SubmitRun("t", null, List.of(new StepSpec("a", "", "go", null, null))), "'steps[0].handler' is required");
        bad.put(new SubmitRun("t", null, List.of(new StepSpec("a", "h".repeat(65), "go", null, null))), "at most 64");
        bad.put(new SubmitRun("t", null, List.of(new StepSpec("a", "http", "g".repeat(201), null, null))), "at most 200");
        bad.put(new SubmitRun("t", null, List.of(new StepSpec("a", "http", "line\nbreak", null, null))),
                "'steps[0].action' contains the control character U+000A");
        bad.put(new SubmitRun("t", null, Arrays.asList(step("a"), null)), "'steps[1]' is null");
        List<StepSpec> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add(step("s" + i));
        }
        bad.put(new SubmitRun("t", null, tooMany), "at most 100");

        Counts before = counts(jdbc, ws);
        bad.forEach((request, message) -> {
            ApiException e = refusal(() -> runs.submit(ws, principal, request));
            assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(e.getMessage()).contains(message);
        });
        assertThat(counts(jdbc, ws)).isEqualTo(before);
    }

    @Test
    void defaultsAreFilledInAndTheRunIsARootOfItsOwnTree() {
        List<StepSpec> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(new StepSpec("s." + i, "http", "go", null, i == 0 ? null : List.of("s." + (i - 1))));
        }
        RunView run = runs.submit(ws, principal, new SubmitRun(null, null, hundred));
        assertThat(run.title()).isEqualTo("run of 100 steps");
        assertThat(run.spec()).isEqualTo(Json.tree("{}"));
        assertThat(run.rootId()).isEqualTo(run.id());
        assertThat(run.parentId()).isNull();
        assertThat(run.depth()).isZero();
        assertThat(run.createdBy()).isEqualTo(principal);
        assertThat(run.steps()).hasSize(100);
        assertThat(run.steps().get(1).input()).isEqualTo(Json.tree("{}"));
        assertThat(run.steps().get(1).dependsOn()).containsExactly("s.0");
        RunView read = runs.get(ws, run.id());
        assertThat(read).isEqualTo(run);
        JsonNode spec = Json.tree("{\"prompt\":\"line one\\nline two\",\"n\":[1,{\"deep\":true}]}");
        RunView withSpec = runs.submit(ws, principal, new SubmitRun("  trimmed  ", spec, List.of(step("a"))));
        assertThat(withSpec.title()).isEqualTo("trimmed");
        assertThat(runs.get(ws, withSpec.id()).spec()).isEqualTo(spec);
    }

    long[] rowCounts() {
        return jdbc.sql("""
                SELECT pg_stat_get_xact_tuples_inserted('runs'::regclass),
                       pg_stat_get_xact_tuples_updated('runs'::regclass),
                       pg_stat_get_xact_tuples_inserted('steps'::regclass),
                       pg_stat_get_xact_tuples_updated('steps'::regclass)""")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)})
                .single();
    }

    @Test
    void aSubmitInsertsEachRowOnceAsItsFirstMovesLeaveItAndLogsThoseMoves() {
        // the backend's counters, read before and after in one transaction (they are flushed only between
        // transactions): a row inserted and then moved would count an update too
        long[] counts = tx.execute(status -> {
            long[] before = rowCounts();
            runs.submit(ws, principal, new SubmitRun("once", null, List.of(step("a"), step("b", "a"))));
            long[] after = rowCounts();
            return new long[] {after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]};
        });
        assertThat(counts).containsExactly(1, 0, 2, 0);

        RunView run = submit(step("a"), step("b", "a"));
        RunView read = runs.get(ws, run.id());
        assertThat(read).isEqualTo(run);
        assertThat(read.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(read.version()).isEqualTo(1);
        assertThat(step(read, "a").status()).isEqualTo(StepStatus.QUEUED);
        assertThat(step(read, "a").attempt()).isEqualTo(1);
        assertThat(step(read, "a").version()).isEqualTo(1);
        assertThat(step(read, "b").status()).isEqualTo(StepStatus.PENDING);
        assertThat(step(read, "b").version()).isZero();
        assertThat(jdbc.sql("SELECT type, data->>'from', data->>'to' FROM events WHERE workspace_id = :ws"
                        + " AND run_id = :run ORDER BY seq")
                .param("ws", ws).param("run", run.id())
                .query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + "→" + rs.getString(3)).list())
                .containsExactly("run.created null→null", "run.transitioned planning→queued",
                        "step.transitioned pending→queued");
    }

    // --- (f) cancel --------------------------------------------------------------------------------------------

    @Test
    void cancelEndsEveryUnfinishedStepAndTheRunAndOnlyOnce() {
        RunView run = submit(step("a"), step("b"), step("c", "a"));
        run = report(report(run, "b", StepStatus.RUNNING), "b", StepStatus.COMPLETED);
        run = report(run, "a", StepStatus.RUNNING);
        RunView cancelled = runs.cancel(ws, run.id(), "  no longer needed ", principal);
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.steps()).extracting(StepView::status)
                .containsExactly(StepStatus.CANCELLED, StepStatus.COMPLETED, StepStatus.CANCELLED);
        assertThat(lines(jdbc, ws, run.id())).endsWith(
                "step a running>cancelled #1",
                "step c pending>cancelled #0",
                "run running>cancelled (no longer needed)");
        assertAuditReplaysTo(jdbc, ws, cancelled);

        StoredRun before = storedRun(jdbc, run.id());
        ApiException again = refusal(() -> runs.cancel(ws, cancelled.id(), null, principal));
        assertThat(again.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(again.getMessage()).startsWith("a run that is cancelled cannot become cancelled");
        assertThat(storedRun(jdbc, run.id())).isEqualTo(before);
        ApiException late = refusal(() -> report(cancelled, "a", StepStatus.COMPLETED));
        assertThat(late.getMessage()).startsWith("a step that is cancelled cannot become completed");

        RunView finished = report(report(submit(step("a")), "a", StepStatus.RUNNING), "a", StepStatus.COMPLETED);
        assertThat(refusal(() -> runs.cancel(ws, finished.id(), null, principal)).getMessage())
                .startsWith("a run that is completed cannot become cancelled");
        assertThat(refusal(() -> runs.cancel(ws, submit(step("a")).id(), "x\u0007", principal)).status())
                .isEqualTo(HttpStatus.BAD_REQUEST);
    }

    // --- (g) paging and confinement -----------------------------------------------------------------------

    @Test
    void pagesRunNewestFirstWithAnOpaqueCursor() throws Exception {
        UUID own = workspace(jdbc, "paging");
        List<UUID> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(runs.submit(own, principal, new SubmitRun("run " + i, null, List.of(step("a")))).id());
            Thread.sleep(2);
        }
        RunView first = runs.get(own, submitted.getFirst());
        runs.cancel(own, first.id(), null, principal);
        List<UUID> newestFirst = submitted.reversed();

        List<UUID> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            RunPage page = runs.list(own, null, 2, cursor);
            sizes.add(page.runs().size());
            page.runs().forEach(r -> seen.add(r.id()));
            assertThat(page.runs()).allSatisfy(r -> assertThat(r.steps()).hasSize(1));
            cursor = page.nextBefore();
        } while (cursor != null);
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(newestFirst);

        assertThat(runs.list(own, RunStatus.CANCELLED, 50, null).runs()).extracting(RunView::id)
                .containsExactly(first.id());
        RunPage queued = runs.list(own, RunStatus.QUEUED, 3, null);
        assertThat(queued.runs()).extracting(RunView::id).containsExactlyElementsOf(newestFirst.subList(0, 3));
        assertThat(runs.list(own, RunStatus.QUEUED, 3, queued.nextBefore()).runs()).extracting(RunView::id)
                .containsExactly(newestFirst.get(3));
        assertThat(runs.list(ws, null, 100, null).runs()).extracting(RunView::id).doesNotContainAnyElementsOf(submitted);

        for (String badCursor : List.of("nope", "", "cjE6MTox", "%%%")) {
            if (!badCursor.isEmpty()) {
                assertThat(refusal(() -> runs.list(own, null, 2, badCursor)).status()).isEqualTo(HttpStatus.BAD_REQUEST);
            }
        }
        assertThat(refusal(() -> runs.list(own, null, 0, null)).status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refusal(() -> runs.list(own, null, 101, null)).status()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void aRunOfAnotherWorkspaceCannotBeReached() {
        RunView run = submit(step("a"));
        UUID other = workspace(jdbc, "other");
        StoredRun before = storedRun(jdbc, run.id());
        assertThat(refusal(() -> runs.get(other, run.id())).status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(refusal(() -> runs.cancel(other, run.id(), null, principal)).status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(refusal(() -> runs.updateStep(other, run.id(), step(run, "a").id(),
                new StepUpdate(StepStatus.RUNNING, null, null, null), principal)).status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(storedRun(jdbc, run.id())).isEqualTo(before);
        assertThat(counts(jdbc, other)).isEqualTo(new Counts(0, 0, 0));
    }

    @Test
    void aBatchOfReportsMovesEveryStepAndRunOnceWithTheSameTrailAsOneByOne() {
        RunView one = submit(step("a"), step("b"), new StepSpec("c", "http", "after a", null, List.of("a")));
        RunView two = submit(step("x"));
        long eventsBefore = eventCount();
        List<RunView> after = runs.updateSteps(List.of(
                new Runs.StepReport(ws, one.id(), step(one, "a").id(), new StepUpdate(StepStatus.RUNNING, null, null,
                        step(one, "a").version())),
                new Runs.StepReport(ws, two.id(), step(two, "x").id(), new StepUpdate(StepStatus.RUNNING, null, null,
                        null)),
                new Runs.StepReport(ws, one.id(), step(one, "b").id(), new StepUpdate(StepStatus.RUNNING, null, null,
                        null)),
                new Runs.StepReport(ws, one.id(), step(one, "a").id(), new StepUpdate(StepStatus.COMPLETED,
                        Json.tree("{\"ok\":true}"), null, null))), principal);
        assertThat(after).extracting(RunView::id).containsExactly(one.id(), two.id());
        RunView stored = runs.get(ws, one.id());
        assertThat(after.getFirst()).isEqualTo(stored); // what the batch answered is what it wrote
        assertThat(stored.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(step(stored, "a").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(step(stored, "a").version()).isEqualTo(step(one, "a").version() + 2); // moved twice, written once
        assertThat(step(stored, "b").status()).isEqualTo(StepStatus.RUNNING);
        assertThat(step(stored, "c").status()).isEqualTo(StepStatus.QUEUED); // its dependency completed
        assertThat(runs.get(ws, two.id()).status()).isEqualTo(RunStatus.RUNNING);
        // a transition event per move, a run transition per run move: as if reported one at a time
        assertThat(eventCount() - eventsBefore).isEqualTo(4 + 1 + 2);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND run_id = ? AND type = "
                + "'run.transitioned' AND data->>'to' = 'running'").param(ws).param(one.id()).query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aBatchNamingARunUnderAnotherWorkspaceIsRefusedWhole() {
        UUID other = workspace(jdbc, "runs-other");
        RunView theirs = runs.submit(other, principal, new SubmitRun("theirs", null, List.of(step("t"))));
        RunView mine = submit(step("m"));
        long eventsBefore = eventCount();
        assertThatThrownBy(() -> runs.updateSteps(List.of(
                new Runs.StepReport(ws, mine.id(), step(mine, "m").id(), new StepUpdate(StepStatus.RUNNING, null, null,
                        null)),
                new Runs.StepReport(ws, theirs.id(), step(theirs, "t").id(), new StepUpdate(StepStatus.RUNNING, null,
                        null, null))), principal))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND));
        assertThat(runs.get(ws, mine.id())).isEqualTo(mine); // rolled back whole
        assertThat(runs.get(other, theirs.id())).isEqualTo(theirs);
        assertThat(eventCount()).isEqualTo(eventsBefore);
        assertThat(runs.getAll(List.of(new Runs.RunRef(ws, theirs.id()), new Runs.RunRef(ws, mine.id()))))
                .containsOnlyKeys(mine.id());
    }

    @Test
    void aBatchWithAStaleVersionIsRefusedWhole() {
        RunView run = submit(step("a"), step("b"));
        assertThatThrownBy(() -> runs.updateSteps(List.of(
                new Runs.StepReport(ws, run.id(), step(run, "a").id(), new StepUpdate(StepStatus.RUNNING, null, null,
                        null)),
                new Runs.StepReport(ws, run.id(), step(run, "b").id(), new StepUpdate(StepStatus.RUNNING, null, null,
                        step(run, "b").version() - 1))), principal))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT));
        assertThat(runs.get(ws, run.id())).isEqualTo(run);
    }

    long eventCount() {
        return jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ?").param(ws).query(Long.class).single();
    }
}
