package io.octvex.server.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.server.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs locked several at once are locked in the order PostgreSQL sorts their ids ({@code ORDER BY id}), the
 * order every other path locks them in, so two batches never wait for each other in a cycle.
 */
@ServerTest
class RunStoreOrderTest {
    @Autowired JdbcClient jdbc;

    @Test
    void uuidsAreOrderedAsPostgreSQLOrdersThem() {
        Random random = new Random(42);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ids.add(new UUID(random.nextLong(), random.nextLong())); // half of them with the sign bit set
        }
        ids.add(new UUID(Long.MIN_VALUE, 0));
        ids.add(new UUID(Long.MAX_VALUE, -1));
        ids.add(new UUID(0, Long.MIN_VALUE));

        List<UUID> byPostgres = jdbc.sql("SELECT id FROM unnest(CAST(:ids AS uuid[])) AS u(id) ORDER BY id")
                .param("ids", ids.toArray(UUID[]::new)).query(UUID.class).list();

        assertThat(ids.stream().sorted(RunStore::asStored).toList()).isEqualTo(byPostgres);
        assertThat(ids.stream().sorted().toList()).as("UUID's own order is another").isNotEqualTo(byPostgres);
    }
}
