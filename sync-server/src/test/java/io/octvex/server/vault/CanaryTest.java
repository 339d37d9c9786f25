package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Plants canary values in secrets of every kind, works them through everything the vault does (create,
 * update, refusals, list, rotation, re-encryption, resolution for an action, delete), then searches every
 * answer, every audit event, all log output and the text of every table for them, plain, hex and base64.
 * They may exist only as ciphertext.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class CanaryTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Vault vault;
    @Autowired
    Reencryptor reencryptor;
    @Autowired
    TransactionTemplate tx;

    @Test
    void secretValuesAppearNowhereButAsCiphertext(CapturedOutput output) {
        String canary = "cnry" + UUID.randomUUID().toString().replace("-", "");
        List<String> values = new ArrayList<>();
        TestApi api = TestApi.on(port);
        UUID ws = api.newWorkspace("canary").id();
        String token = api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
        String base = "/api/v1/workspaces/" + ws;
        List<TestApi.Response> answers = new ArrayList<>();

        Map<String, Map<String, String>> secrets = Map.of(
                "plain", Map.of("kind", "opaque", "value", v(values, canary, "opaque")),
                "login", Map.of("kind", "username_password", "username", v(values, canary, "user"),
                        "password", v(values, canary, "password")),
                "header", Map.of("kind", "http_header", "header", "X-" + v(values, canary, "header"),
                        "value", v(values, canary, "headervalue")),
                "bearer", Map.of("kind", "bearer", "token", v(values, canary, "token")));
        secrets.forEach((name, fields) -> {
            Map<String, String> body = new java.util.HashMap<>(fields);
            body.put("name", name);
            answers.add(expect(201, api.send("POST", base + "/secrets", token, Json.write(body))));
        });
        // refusals that carry a value: a duplicate, a bad username, an oversized value, a field of another kind
        answers.add(expect(409, api.send("POST", base + "/secrets", token,
                "{\"name\":\"bearer\",\"kind\":\"bearer\",\"token\":\"" + v(values, canary, "dup") + "\"}")));
        answers.add(expect(400, api.send("POST", base + "/secrets", token, "{\"name\":\"bad\",\"kind\":"
                + "\"username_password\",\"username\":\"a:" + v(values, canary, "colon") + "\",\"password\":\"p\"}")));
        answers.add(expect(400, api.send("POST", base + "/secrets", token, "{\"name\":\"big\",\"kind\":\"opaque\","
                + "\"value\":\"" + v(values, canary, "big") + "x".repeat(70_000) + "\"}")));
        answers.add(expect(400, api.send("PUT", base + "/secrets/bearer/value", token,
                "{\"value\":\"" + v(values, canary, "wrongfield") + "\"}")));
        answers.add(expect(400, api.send("POST", base + "/secrets", token,
                "{\"name\":\"t\",\"kind\":\"bearer\",\"token\":{\"nested\":\"" + v(values, canary, "nested") + "\"}}")));
        // updates, reads, rotation
        answers.add(expect(200, api.send("PUT", base + "/secrets/bearer/value", token,
                "{\"token\":\"" + v(values, canary, "token2") + "\"}")));
        answers.add(expect(200, api.send("PUT", base + "/secrets/login/value", token, "{\"username\":\""
                + v(values, canary, "user2") + "\",\"password\":\"" + v(values, canary, "password2") + "\"}")));
        answers.add(expect(200, api.get(base + "/secrets", token)));
        for (String name : secrets.keySet()) {
            answers.add(expect(200, api.get(base + "/secrets/" + name, token)));
        }
        answers.add(expect(200, api.send("POST", base + "/vault/rotate", token, null)));
        reencryptor.runUntilDone();
        answers.add(expect(200, api.get(base + "/vault", token)));
        // the gate's use: resolved for one action, used, wiped
        try (SecretMaterial m = tx.execute(s -> vault.resolve(ws, "bearer",
                new SecretUse(null, null, null, "http.request", Map.of("edge", "e-1"))))) {
            char[] chars = m.chars(SecretField.TOKEN);
            assertThat(new String(chars)).contains(canary);
            java.util.Arrays.fill(chars, '\0');
        }
        answers.add(expect(204, api.send("DELETE", base + "/secrets/plain", token, null)));
        answers.add(expect(200, api.get(base + "/events?after=0&limit=1000", token)));
        answers.add(expect(200, api.get(base + "/secrets", token)));

        List<String> needles = needles(canary, values);
        for (TestApi.Response answer : answers) {
            assertThat(answer.body()).doesNotContain(needles);
            answer.headers().map().values().forEach(h -> assertThat(h.toString()).doesNotContain(needles));
        }
        String events = jdbc.sql("SELECT coalesce(string_agg(data::text, '\n'), '') FROM events").query(String.class).single();
        assertThat(events).contains("\"name\": \"bearer\"").doesNotContain(needles);
        assertThat(output.getAll()).doesNotContain(needles);
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_type = 'BASE TABLE'").query(String.class).list();
        assertThat(tables).contains("secrets", "vault_data_keys", "events", "runs", "principals");
        for (String table : tables) {
            String text = jdbc.sql("SELECT coalesce(string_agg(t::text, '\n'), '') FROM \"" + table + "\" t")
                    .query(String.class).single();
            assertThat(text).as(table).doesNotContain(needles);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM secrets WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isEqualTo(3); // the canaries are there, sealed
    }

    /** A canary value, remembered for the search. */
    private static String v(List<String> values, String canary, String field) {
        String value = canary + field;
        values.add(value);
        return value;
    }

    /** The canary as text, as UTF-8 in hex (how PostgreSQL prints bytea), and each value in base64. */
    private static List<String> needles(String canary, List<String> values) {
        List<String> needles = new ArrayList<>(List.of(canary, canary.toUpperCase(java.util.Locale.ROOT),
                HexFormat.of().formatHex(canary.getBytes(StandardCharsets.UTF_8))));
        for (String value : values) {
            needles.add(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        }
        return needles;
    }

    private static TestApi.Response expect(int status, TestApi.Response answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        return answer;
    }
}
