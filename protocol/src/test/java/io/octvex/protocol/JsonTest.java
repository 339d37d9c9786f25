package io.octvex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

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

    /**
     * Audit chains already stored were hashed with the first canonical writer (the tree turned into maps,
     * written with sorted map entries); the one-walk writer must give byte for byte the same text.
     */
    @Test
    void canonicalTextIsTheTextEveryStoredHashWasMadeOf() {
        JsonMapper sortedMaps = Json.configure(JsonMapper.builder())
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            JsonNode tree = randomTree(random, 0);
            // as stored: written, then read back from text (what verify() hashes)
            JsonNode stored = Json.tree(Json.write(tree));
            for (JsonNode node : List.of(tree, stored)) {
                String reference = sortedMaps.writeValueAsString(sortedMaps.treeToValue(node, Object.class));
                assertThat(Json.canonical(node)).as("seed %d, tree %s", seed, node).isEqualTo(reference);
            }
        }
    }

    private static JsonNode randomTree(Random random, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        int kind = random.nextInt(depth >= 4 ? 8 : 10);
        return switch (kind) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(random.nextInt());
            case 3 -> nodes.numberNode(random.nextLong());
            case 4 -> nodes.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 5 -> nodes.numberNode(new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(12)));
            case 6, 7 -> nodes.stringNode(randomText(random));
            case 8 -> {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    array.add(randomTree(random, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = nodes.objectNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    object.set(randomText(random), randomTree(random, depth + 1));
                }
                yield object;
            }
        };
    }

    private static String randomText(Random random) {
        String alphabet = "aAbZ09_-. \"\\/\n\t\u0001\u00e9\u4e2d\ud83d\ude00<>&'";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c) && at + 1 < alphabet.length()) {
                text.append(c).append(alphabet.charAt(at + 1)); // keep the pair whole
            } else if (!Character.isLowSurrogate(c)) {
                text.append(c);
            }
        }
        return text.toString();
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
