package io.octvex.server.database;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Generic plans for the statements every edge cycle, submit and audit append runs (ADR 0044). The server's
 * connections plan each statement for its arguments (ADR 0035), and planning these again on every execution
 * cost more than many of them take to run: 0.1–0.25 ms each, a sixth of PostgreSQL's CPU per governed run.
 * Their plans do not depend on their arguments: they look rows up by whole keys of {@code unnest()}ed arrays, or
 * insert them. What made cached plans dangerous, statistics of a table that has grown since, is
 * {@link TableStatistics}'s to mend.
 */
@Component
public class GenericPlans {
    private final JdbcClient jdbc;

    GenericPlans(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * From here to the end of the caller's transaction, statements are planned once per connection and that plan
     * is kept: only for transactions whose every statement plans the same for any arguments.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void forThisTransaction() {
        jdbc.sql("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)").query(String.class).single();
    }
}
