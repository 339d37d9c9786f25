package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.SavePolicy;
import io.octvex.server.OctvexServerApplication;
import io.octvex.server.ServerTest;
import io.octvex.server.database.ConnectionSettings;
import io.octvex.server.identity.TestApi;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Rate limits from the policy, counted in PostgreSQL: the same limit holds across server replicas. */
@ServerTest
class RateLimitTest {
    @LocalServerPort
    int port;
    @Autowired
    Policies policies;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ConnectionSettings database;
    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;
    @TempDir
    Path home;

    private final java.util.concurrent.atomic.AtomicReference<org.springframework.transaction.PlatformTransactionManager>
            otherTransactions = new java.util.concurrent.atomic.AtomicReference<>();

    UUID ws;
    UUID admin;

    private static String policy(int limit, int burst) {
        return """
                grants:
                  - id: agents-http
                    to: {kinds: [agent]}
                    actions: [http.request]
                rateLimits:
                  - id: http-per-agent
                    when: 'action == "http.request" && principal.kind == "agent"'
                    key: principal.id
                    limit: %d
                    burst: %d
                    window: PT1M
                """.formatted(limit, burst);
    }

    @BeforeEach
    void workspace() {
        TestApi api = TestApi.on(port);
        ws = api.newWorkspace("rates").id();
        admin = api.admin().me().id();
    }

    private static DecisionInput call(UUID agent) {
        return new DecisionInput(new DecisionInput.Principal(agent, "bot", PrincipalKind.AGENT, List.of(Role.AGENT)),
                "http.request", "https://api.example.com/x",
                new DecisionInput.Request("GET", "api.example.com", "/x", List.of()), null, Instant.now(), null);
    }

    /** A gate decision needs a transaction: its audit event is written in the caller's. */
    private GateDecision decide(Policies on, DecisionInput input) {
        return new org.springframework.transaction.support.TransactionTemplate(
                on == policies ? transactions : otherTransactions.get()).execute(s -> on.decide(ws, input, null, null));
    }

    private static long allowed(List<GateDecision> decisions) {
        return decisions.stream().filter(e -> e.effect() == Effect.ALLOW).count();
    }

    @Test
    void eachAgentGetsItsOwnBucketOfLimitPlusBurst() {
        policies.save(ws, admin, new SavePolicy(policy(5, 2), true));
        UUID first = UUID.randomUUID();
        List<GateDecision> decisions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            decisions.add(decide(policies, call(first)));
        }
        assertThat(allowed(decisions)).isEqualTo(7);
        GateDecision refused = decisions.getLast();
        assertThat(refused.decidedBy()).isEqualTo("http-per-agent");
        assertThat(refused.reason()).contains("at most 5 per PT1M").contains("burst 2");
        assertThat(refused.rateLimited()).isTrue();
        assertThat(refused.retryAfter()).isEqualTo(java.time.Duration.ofSeconds(12));
        assertThat(decide(policies, call(UUID.randomUUID())).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void theBucketRefillsWithTime() {
        policies.save(ws, admin, new SavePolicy(policy(3, 0), true));
        UUID agent = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            assertThat(decide(policies, call(agent)).effect()).isEqualTo(Effect.ALLOW);
        }
        assertThat(decide(policies, call(agent)).effect()).isEqualTo(Effect.DENY);
        // a minute passes for this bucket: the database's clock is the one that counts
        jdbc.sql("UPDATE rate_buckets SET updated_at = updated_at - interval '1 minute' WHERE workspace_id = ?")
                .param(ws).update();
        assertThat(decide(policies, call(agent)).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void aDeniedOrUnlimitedActionTakesNoToken() {
        policies.save(ws, admin, new SavePolicy(policy(1, 0), true));
        DecisionInput user = new DecisionInput(new DecisionInput.Principal(UUID.randomUUID(), "ada", PrincipalKind.USER,
                List.of(Role.VIEWER)), "http.request", "https://api.example.com/x", null, null, Instant.now(), null);
        for (int i = 0; i < 3; i++) {
            assertThat(decide(policies, user).effect()).isEqualTo(Effect.DENY); // no grant: denied before any limit
        }
        assertThat(jdbc.sql("SELECT count(*) FROM rate_buckets WHERE workspace_id = ?").param(ws)
                .query(Long.class).single()).isZero();
    }

    @Test
    void twoReplicasOnOneDatabaseShareTheLimit() throws Exception {
        policies.save(ws, admin, new SavePolicy(policy(7, 0), true));
        UUID agent = UUID.randomUUID();
        try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(OctvexServerApplication.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--octvex.home=" + home, ServerTest.SHARED_ROOT_KEY,
                        "--octvex.database.url=" + database.url(), "--octvex.database.user=" + database.user(),
                        "--octvex.database.password=" + database.password())) {
            Policies other = replica.getBean(Policies.class);
            otherTransactions.set(replica.getBean(org.springframework.transaction.PlatformTransactionManager.class));
            List<Callable<GateDecision>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> decide(policies, call(agent)));
                calls.add(() -> decide(other, call(agent)));
            }
            List<GateDecision> decisions = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (Future<GateDecision> f : pool.invokeAll(calls)) {
                    decisions.add(f.get());
                }
            }
            assertThat(allowed(decisions)).isEqualTo(7);
        }
        assertThat(jdbc.sql("SELECT tokens FROM rate_buckets WHERE workspace_id = ? AND key = ?")
                .params(ws, agent.toString()).query(Double.class).single()).isLessThan(1.0);
    }
}
