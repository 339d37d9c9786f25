package io.octvex.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.server.ServerTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** When the audit row cannot be written, the change it describes does not happen. */
@ServerTest
class FailClosedAuditTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aRunIsNotCreatedWhenItsAuditEventCannotBeWritten() {
        OctvexClient anonymous = OctvexClient.connect("http://127.0.0.1:" + port);
        String token = anonymous.login("admin", ServerTest.ADMIN_PASSWORD).token();
        UUID ws = anonymous.withToken(token).createWorkspace("fail-closed-" + UUID.randomUUID()).id();
        String trigger = "refuse_" + ws.toString().replace('-', '_');
        // the audit store breaks for this one workspace only (a full disk, a lost privilege, …)
        jdbc.sql("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.workspace_id = '" + ws + "' THEN RAISE EXCEPTION 'audit store unavailable'; END IF; "
                + "RETURN NEW; END $$").update();
        jdbc.sql("CREATE TRIGGER " + trigger + " BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION " + trigger + "()")
                .update();
        try {
            Http.Answer answer = Http.send(port, "POST", "/api/v1/workspaces/" + ws + "/runs", token, Json.write(
                    Map.of("title", "must not exist", "steps", java.util.List.of(Map.of("key", "a", "handler", "http",
                            "action", "GET https://example.com/")))));

            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).contains("nothing was changed").doesNotContain("audit store unavailable");
            assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE workspace_id = ?").param(ws).query(Long.class).single())
                    .isZero();
            assertThat(jdbc.sql("SELECT count(*) FROM steps WHERE workspace_id = ?").param(ws).query(Long.class).single())
                    .isZero();
        } finally {
            jdbc.sql("DROP TRIGGER " + trigger + " ON events").update();
            jdbc.sql("DROP FUNCTION " + trigger + "()").update();
        }
        // with the audit store back, the same request succeeds and is audited
        Http.Answer retry = Http.send(port, "POST", "/api/v1/workspaces/" + ws + "/runs", token,
                "{\"title\":\"now it may\",\"steps\":[{\"key\":\"a\",\"handler\":\"http\",\"action\":\"x\"}]}");
        assertThat(retry.status()).isEqualTo(201);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'run.created'").param(ws)
                .query(Long.class).single()).isEqualTo(1);
    }
}
