package io.octvex.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.fuzz.Fuzz;
import io.octvex.server.identity.TestApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Submits, claims (lease requests), results and approvals driven over HTTP through a server whose every JDBC
 * statement and commit passes a {@link FaultInjector}: writes fail at random, and commits succeed on PostgreSQL
 * while the server sees an error. The client retries what failed, as a real one would. Afterwards, read from the
 * database: everything the API acknowledged is there; no step completed twice and no approval ended twice; the
 * audit hash chain has no gap or fork; every run still ends (a lease granted in a commit whose answer was lost
 * expires and is offered again); a retried result or approval is refused without a second effect; and a submit
 * retried with its Idempotency-Key after a lost commit finds the run it made instead of making a second.
 */
@ServerTest
@TestPropertySource(properties = {"octvex.fleet.lease-ttl=2s", "octvex.fleet.sweep-interval=PT0.2S",
        "octvex.fleet.placement-grace=0s", "octvex.fleet.quarantine-after=1000"})
class JdbcFaultTest {
    private static final int ROUNDS = 120;
    private static final long SEED = Long.getLong("octvex.fuzz.seed", new Random().nextLong());
    private static final FaultInjector FAULTS = new FaultInjector(SEED, 0.04, 0.06);
    /** Room for leases lost to faults (a grant whose answer never arrived expires and counts as an attempt). */
    private static final RetryPolicy RETRY = new RetryPolicy(20, 0);

    @TestConfiguration(proxyBeanMethods = false)
    static class Faults {
        @Bean
        static BeanPostProcessor faultyDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && name.equals("dataSource") ? FAULTS.wrap(ds) : bean;
                }
            };
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void faultsInStatementsAndLostCommitsLoseNothingAcknowledgedAndDoubleNothing() throws Exception {
        FleetFixtures fleet = new FleetFixtures(port);
        TestApi api = fleet.api();
        UUID ws = fleet.workspace("jdbc-faults");
        new ApprovalFixtures(port).savePolicy(ws, ApprovalFixtures.POLICY);
        String approver = api.newUser(ws, Role.APPROVER).token();
        FleetFixtures.Edge edge = fleet.edge(ws, "faulty-edge", Map.of(), List.of("http"), 4);
        String reproduce = "replay with -Doctvex.fuzz.seed=" + SEED;
        Random client = new Random(SEED);

        Map<String, UUID> acknowledgedRuns = new HashMap<>(); // title of the round's run → run id answered 2xx
        int replayedSubmits = 0; // a retry answered 200: the earlier attempt had committed
        Map<UUID, String> acknowledgedResults = new HashMap<>(); // step → the marker of the result answered 204
        Set<UUID> acknowledgedApprovals = new HashSet<>();
        int retriedResultsRefused = 0;
        int retriedApprovalsRefused = 0;
        int errors = 0;
        FAULTS.arm(true);
        for (int round = 0; round < ROUNDS; round++) {
            // a submit, retried with the same body and Idempotency-Key until acknowledged; every third calls approve.example
            String title = "round " + round;
            String url = round % 3 == 0 ? "https://approve.example/r" + round : "https://example.test/r" + round;
            SubmitRun submit = new SubmitRun(title, null, List.of(
                    new StepSpec("a", "http", "GET " + url, Json.tree("{\"method\": \"GET\", \"url\": \""
                            + url + "\"}"), List.of(), null, RETRY),
                    new StepSpec("b", "http", "GET https://example.test/b", null, List.of("a"), null, RETRY)));
            Map<String, String> key = Map.of("Idempotency-Key", "jdbc-faults-" + SEED + "-" + round);
            for (int attempt = 0; ; attempt++) {
                assertThat(attempt).as("a submit keeps failing (" + reproduce + ")").isLessThan(20);
                TestApi.Response r = api.send("POST", "/api/v1/workspaces/" + ws + "/runs", fleet.adminToken(),
                        submit, key);
                if (r.status() == 201 || r.status() == 200) {
                    acknowledgedRuns.put(title, Json.read(r.body(), RunView.class).id());
                    replayedSubmits += r.status() == 200 ? 1 : 0;
                    break;
                }
                assertThat(r.status()).as(r.body()).isGreaterThanOrEqualTo(500);
                errors++;
            }
            // the edge claims what it may and reports each result; a failed report is retried with the same body
            TestApi.Response leased = api.send("POST", "/api/v1/edge/leases", edge.token(), new LeaseRequest(4, 0));
            if (leased.status() != 200) {
                errors++;
                continue; // if the grant committed, the lease expires and the step is offered again
            }
            for (Lease lease : Json.read(leased.body(), LeaseBatch.class).leases()) {
                String marker = "result-" + UUID.randomUUID();
                StepResult result = new StepResult(lease.epoch(), StepStatus.COMPLETED,
                        Json.tree("{\"marker\": \"" + marker + "\"}"), null);
                boolean seenError = false;
                for (int attempt = 0; attempt < 5; attempt++) {
                    TestApi.Response r = fleet.report(edge, lease.stepId(), "result", result);
                    if (r.status() == 204) {
                        acknowledgedResults.put(lease.stepId(), marker);
                        break;
                    }
                    if (r.status() == 409) {
                        // after an error: the first attempt committed unseen; without one: the lease expired
                        retriedResultsRefused += seenError ? 1 : 0;
                        break;
                    }
                    assertThat(r.status()).as(r.body()).isGreaterThanOrEqualTo(500);
                    seenError = true;
                    errors++;
                }
            }
            // the approver answers what is pending; a failed answer is retried
            TestApi.Response pending = api.get("/api/v1/workspaces/" + ws + "/approvals?status=pending", approver);
            if (pending.status() != 200) {
                errors++;
                continue;
            }
            for (ApprovalView approval : List.of(Json.read(pending.body(), ApprovalView[].class))) {
                boolean seenError = false;
                for (int attempt = 0; attempt < 5; attempt++) {
                    TestApi.Response r = api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + approval.id()
                            + "/approve", approver, new DecideApproval("fine", null));
                    if (r.status() == 200) {
                        acknowledgedApprovals.add(approval.id());
                        break;
                    }
                    if (r.status() == 409) {
                        assertThat(seenError).as("an approval refused 409 without an earlier error: " + r.body())
                                .isTrue();
                        retriedApprovalsRefused++; // the first answer committed unseen: it is not counted twice
                        break;
                    }
                    assertThat(r.status()).as(r.body()).isGreaterThanOrEqualTo(500);
                    seenError = true;
                    errors++;
                }
            }
        }
        FAULTS.arm(false);

        // without faults, the edge and the approver finish the work: every run must end
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count("SELECT count(*) FROM runs WHERE workspace_id = :ws AND status NOT IN "
                + "('completed', 'failed', 'cancelled')", ws) > 0) {
            assertThat(System.nanoTime()).as("every run ends once the faults stop (" + reproduce + ")").isLessThan(end);
            for (Lease lease : fleet.lease(edge, 4, 1).leases()) {
                assertThat(fleet.report(edge, lease.stepId(), "result", new StepResult(lease.epoch(),
                        StepStatus.COMPLETED, Json.tree("{\"late\": true}"), null)).status()).isEqualTo(204);
            }
            TestApi.Response pending = api.get("/api/v1/workspaces/" + ws + "/approvals?status=pending", approver);
            for (ApprovalView approval : List.of(Json.read(pending.body(), ApprovalView[].class))) {
                api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + approval.id() + "/approve", approver,
                        new DecideApproval("fine", null));
            }
            Thread.sleep(200);
        }

        // acknowledged state is all there
        Map<String, UUID> runsByTitle = new HashMap<>();
        jdbc.sql("SELECT title, id FROM runs WHERE workspace_id = :ws").param("ws", ws)
                .query((rs, n) -> runsByTitle.put(rs.getString(1), rs.getObject(2, UUID.class))).list();
        acknowledgedRuns.forEach((title, id) -> assertThat(runsByTitle.get(title)).as(title).isEqualTo(id));
        assertThat(count("SELECT count(*) FROM runs WHERE workspace_id = :ws", ws))
                .as("runs made: one per round, however often its submit was retried (" + reproduce + ")")
                .isEqualTo((long) ROUNDS);
        acknowledgedResults.forEach((step, marker) -> assertThat(jdbc.sql(
                "SELECT result->>'marker' FROM steps WHERE workspace_id = :ws AND id = :id AND status = 'completed'")
                .param("ws", ws).param("id", step).query(String.class).optional())
                .as("the acknowledged result of step " + step + " (" + reproduce + ")").contains(marker));
        for (UUID approval : acknowledgedApprovals) {
            assertThat(jdbc.sql("SELECT status FROM approvals WHERE workspace_id = :ws AND id = :id")
                    .param("ws", ws).param("id", approval).query(String.class).single()).isEqualTo("approved");
        }
        // nothing happened twice
        assertThat(jdbc.sql("""
                SELECT step_id FROM events WHERE workspace_id = :ws AND type = 'step.transitioned'
                 AND data->>'to' = 'completed' GROUP BY step_id HAVING count(*) > 1""").param("ws", ws)
                .query(UUID.class).list()).as("steps completed twice (" + reproduce + ")").isEmpty();
        assertThat(jdbc.sql("""
                SELECT data->>'approvalId' FROM events WHERE workspace_id = :ws
                 AND type IN ('approval.approved', 'approval.denied', 'approval.expired', 'approval.cancelled')
                 GROUP BY data->>'approvalId' HAVING count(*) > 1""").param("ws", ws).query(String.class).list())
                .as("approvals ended twice (" + reproduce + ")").isEmpty();
        assertThat(count("SELECT count(*) FROM steps WHERE workspace_id = :ws AND status = 'completed'", ws))
                .as("every step of every run completed").isEqualTo(2L * runsByTitle.size());
        // the audit chain: gapless, unforked, every hash verifies
        TestApi.Response chain = api.send("POST", "/api/v1/workspaces/" + ws + "/events/verify", fleet.adminToken(),
                null);
        assertThat(chain.status()).as(chain.body()).isEqualTo(200);
        assertThat(Json.tree(chain.body()).path("intact").asBoolean()).as(chain.body() + " " + reproduce).isTrue();
        assertThat(FAULTS.failedStatements.get() + FAULTS.lostCommits.get()).as("faults injected").isPositive();

        System.out.printf("JdbcFaultTest: %d rounds, %d statements (%d failed on purpose), %d commits (+%d lost on "
                        + "purpose), %d error answers retried; %d runs acknowledged, %d committed while the client saw "
                        + "an error (found again by the retry's Idempotency-Key), %d results and %d approvals acknowledged, %d "
                        + "retried results and %d retried approvals refused 409 without effect (%s)%n", ROUNDS,
                FAULTS.statements.get(), FAULTS.failedStatements.get(), FAULTS.commits.get(), FAULTS.lostCommits.get(),
                errors, acknowledgedRuns.size(), replayedSubmits, acknowledgedResults.size(),
                acknowledgedApprovals.size(), retriedResultsRefused, retriedApprovalsRefused, reproduce);
    }

    private long count(String sql, UUID ws) {
        return jdbc.sql(sql).param("ws", ws).query(Long.class).single();
    }
}
