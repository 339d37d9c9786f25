package io.octvex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

class JsonTest {
    @Test
    void unknownFieldsAreRefused() {
        assertThatThrownBy(() -> Json.read("{\"name\":\"x\",\"nmae\":\"y\"}", CreateWorkspace.class))
                .isInstanceOf(JacksonException.class).hasMessageContaining("nmae");
    }

    @Test
    void trailingTokensAreRefused() {
        assertThatThrownBy(() -> Json.read("{\"name\":\"x\"} {}", CreateWorkspace.class))
                .isInstanceOf(JacksonException.class);
    }

    @Test
    void enumsTravelInLowerCaseAndUnknownValuesSayWhatIsAccepted() {
        assertThat(Json.write(new PutMembership(List.of(Role.OWNER, Role.VIEWER))))
                .isEqualTo("{\"roles\":[\"owner\",\"viewer\"]}");
        assertThat(Json.read("{\"roles\":[\"Approver\"]}", PutMembership.class).roles()).containsExactly(Role.APPROVER);
        assertThatThrownBy(() -> Json.read("{\"roles\":[\"emperor\"]}", PutMembership.class))
                .rootCause().hasMessageContaining("unknown role 'emperor'").hasMessageContaining("viewer");
        assertThat(Json.write(List.of(Scope.RUNS_WRITE))).isEqualTo("[\"runs:write\"]");
        assertThatThrownBy(() -> Scope.fromWire("root:all")).hasMessageContaining("runs:read");
    }

    @Test
    void recordsRoundTripWithTimesAsIsoText() {
        TokenView token = new TokenView(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "ci",
                List.of(Scope.RUNS_READ), Instant.parse("2026-11-23T10:15:30.123456Z"), Instant.parse("2027-01-01T00:00:00Z"),
                null, null);
        String json = Json.write(token);
        assertThat(json).contains("\"createdAt\":\"2026-11-23T10:15:30.123456Z\"").doesNotContain("revokedAt");
        assertThat(Json.read(json, TokenView.class)).isEqualTo(token);
    }

    @Test
    void canonicalTextIgnoresKeyOrderAtEveryDepth() {
        String a = Json.canonical(Json.tree("{\"b\":1,\"a\":{\"y\":[1,{\"q\":2,\"p\":1}],\"x\":null}}"));
        String b = Json.canonical(Json.tree("{ \"a\": {\"x\": null, \"y\": [1, {\"p\": 1, \"q\": 2}]}, \"b\": 1 }"));
        assertThat(a).isEqualTo(b).isEqualTo("{\"a\":{\"x\":null,\"y\":[1,{\"p\":1,\"q\":2}]},\"b\":1}");
        assertThat(Json.canonical(Json.tree("[2,1]"))).isNotEqualTo(Json.canonical(Json.tree("[1,2]")));
    }

    @Test
    void secretsStayOutOfToString() {
        assertThat(new LoginRequest("alice", "hunter2 hunter2").toString()).doesNotContain("hunter2");
        assertThat(new IssuedToken(null, "ovx_secret").toString()).doesNotContain("ovx_secret");
        assertThat(new Session("ovx_session", null, null).toString()).doesNotContain("ovx_session");
        assertThat(new CreatePrincipal(PrincipalKind.USER, "bob", null, "pw-canary-123", List.of()).toString())
                .doesNotContain("pw-canary-123");
    }
}
