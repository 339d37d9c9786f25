package io.octvex.server.fleet;

import static io.octvex.server.fleet.FleetFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.server.ServerTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The statements of a claim are planned once per connection and kept (ADR 0044), not planned again for every
 * execution as the server's other statements are (ADR 0035).
 */
@ServerTest
class GenericPlansTest {
    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Leases leases;
    FleetFixtures fleet;
    UUID ws;

    @BeforeEach
    void setUp() {
        fleet = new FleetFixtures(port);
        ws = fleet.workspace("plans");
    }

    record Plans(long generic, long custom) {}

    @Test
    void aClaimsStatementsKeepOneGenericPlanPerConnection() {
        FleetFixtures.Edge edge = fleet.edge(ws, "planner", Map.of(), List.of("http"), 16);
        for (int i = 0; i < 10; i++) {
            fleet.submit(ws, step("p" + i));
        }
        Plans plans = tx.execute(s -> {
            // one connection for every claim: the driver prepares a statement on the server from its fifth use
            for (int i = 0; i < 10; i++) {
                assertThat(leases.claim(edge.id(), 1).leases()).hasSize(1);
            }
            Plans seen = jdbc.sql("""
                    SELECT generic_plans, custom_plans FROM pg_prepared_statements
                    WHERE statement LIKE '%AS c(ws, id)%FOR NO KEY UPDATE OF s SKIP LOCKED'""")
                    .query((rs, n) -> new Plans(rs.getLong("generic_plans"), rs.getLong("custom_plans"))).single();
            assertThat(jdbc.sql("SELECT current_setting('plan_cache_mode')").query(String.class).single())
                    .isEqualTo("force_generic_plan");
            return seen;
        });

        assertThat(plans.custom()).as("plans made for one execution's arguments").isZero();
        assertThat(plans.generic()).as("executions on the kept plan").isPositive();
        // the setting ends with the transaction: the server's other statements plan for their arguments
        String afterwards = tx.execute(s -> jdbc.sql("SELECT current_setting('plan_cache_mode')")
                .query(String.class).single());
        assertThat(afterwards).isEqualTo("force_custom_plan");
    }
}
